// The rows every peer shows: the same 100 000 records Logdeck opens from the
// bench's snapshot file (bench/run.mjs `snapshot`), as plain objects.
window.makeRows = (count) => {
  const now = Date.now() - 3_600_000;
  const statuses = ['Success', 'Success', 'Success', 'Warning', 'Error'];
  const kinds = ['Make scenarios', 'Dify workflows', 'Aitronos connectors', 'Make audit log'];
  const pad = (n) => String(n).padStart(2, '0');
  const rows = new Array(count);
  for (let i = 0; i < count; i++) {
    const d = new Date(now - i * 20_000);
    rows[i] = {
      id: i,
      time: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
      status: statuses[i % 5],
      kind: kinds[i % 4],
      collection: `Collection ${i % 12}`,
      name: `Run ${i % 97}`,
      client: `Client ${i % 40}`,
      message: i % 17 === 0 ? 'Rate limit reached' : '',
      duration: (i * 7919) % 60000,
      operations: i % 60,
    };
  }
  return rows;
};
window.COLUMNS = ['time', 'status', 'kind', 'collection', 'name', 'client', 'message', 'duration', 'operations'];
