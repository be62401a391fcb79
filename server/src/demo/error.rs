//! The demo vendors' refusals, one type for all three: handlers return
//! `Result<_, ApiError>` and the `IntoResponse` impl writes the body in the shape
//! the imitated vendor documents (Make `{detail, message, code}`, Dify
//! `{code, message, status}`, Aitronos `{success: false, error: {…, trace_id}}`),
//! so the app's error decoding is tested against each shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use logdeck_core::vendor::Vendor;

/// A refusal by a demo vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub vendor: Vendor,
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(vendor: Vendor, status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            vendor,
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(vendor: Vendor, message: impl Into<String>) -> Self {
        ApiError::new(vendor, StatusCode::BAD_REQUEST, message)
    }

    pub fn unauthorized(vendor: Vendor, message: impl Into<String>) -> Self {
        ApiError::new(vendor, StatusCode::UNAUTHORIZED, message)
    }

    pub fn forbidden(vendor: Vendor, message: impl Into<String>) -> Self {
        ApiError::new(vendor, StatusCode::FORBIDDEN, message)
    }

    pub fn not_found(vendor: Vendor, message: impl Into<String>) -> Self {
        ApiError::new(vendor, StatusCode::NOT_FOUND, message)
    }

    /// The body in the vendor's documented error shape.
    fn body(&self) -> Value {
        let status = self.status.as_u16();
        match self.vendor {
            Vendor::Make => {
                let (code, title) = match status {
                    400 => ("IM003".to_owned(), "Invalid input"),
                    401 => ("IM005".to_owned(), "Access denied"),
                    403 => ("SC403".to_owned(), "Permission denied"),
                    404 => ("IM004".to_owned(), "Not found"),
                    _ => (
                        format!("SC{status}"),
                        self.status.canonical_reason().unwrap_or("Error"),
                    ),
                };
                json!({"detail": self.message, "message": title, "code": code})
            }
            Vendor::Dify => {
                let code = match status {
                    400 => "invalid_param",
                    401 => "unauthorized",
                    403 => "forbidden",
                    404 => "not_found",
                    429 => "too_many_requests",
                    _ => "internal_server_error",
                };
                json!({"code": code, "message": self.message, "status": status})
            }
            Vendor::Aitronos => {
                let (code, kind) = match status {
                    400 => ("VALIDATION_ERROR", "validation_error"),
                    401 => ("AUTHENTICATION_REQUIRED", "authentication_error"),
                    403 => ("INSUFFICIENT_PERMISSIONS", "authorization_error"),
                    404 => ("NOT_FOUND", "not_found_error"),
                    429 => ("RATE_LIMIT_EXCEEDED", "rate_limit_error"),
                    _ => ("INTERNAL_ERROR", "server_error"),
                };
                json!({"success": false, "error": {
                    "code": code,
                    "message": self.message,
                    "system_message": self.message,
                    "type": kind,
                    "status": status,
                    "trace_id": format!("req_demo{status}"),
                    "timestamp": "2026-01-01T00:00:00Z",
                    "details": {},
                }})
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_vendor_gets_its_documented_shape() {
        let make = ApiError::unauthorized(Vendor::Make, "Invalid credentials.").body();
        assert_eq!(
            make,
            json!({"detail": "Invalid credentials.", "message": "Access denied", "code": "IM005"})
        );
        let dify = ApiError::bad_request(Vendor::Dify, "limit must be 1..100").body();
        assert_eq!(dify["code"], "invalid_param");
        assert_eq!(dify["status"], 400);
        let aitronos =
            ApiError::new(Vendor::Aitronos, StatusCode::TOO_MANY_REQUESTS, "slow down").body();
        assert_eq!(aitronos["success"], false);
        assert_eq!(aitronos["error"]["code"], "RATE_LIMIT_EXCEEDED");
        assert_eq!(aitronos["error"]["trace_id"], "req_demo429");
    }
}
