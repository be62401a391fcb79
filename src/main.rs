fn main() {
    logdeck::app::mount();
}
