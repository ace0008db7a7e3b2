//! What answers when no route matched: `405` with `Allow` when the path is
//! known under other methods, else `404`. Both as problems, never HTML.

use actix_web::dev::ResourceDef;
use actix_web::http::Method;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};

use super::error::ApiError;

/// The route table as the OpenAPI document describes it: path templates and
/// the methods each serves.
pub struct RouteTable {
    routes: Vec<(ResourceDef, Vec<Method>)>,
}

impl RouteTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods: Vec<Method> = [
                    (Method::GET, item.get.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                if methods.contains(&Method::GET) {
                    methods.push(Method::HEAD);
                }
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self { routes }
    }

    fn allowed(&self, path: &str) -> Option<&[Method]> {
        self.routes
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.as_slice())
    }
}

pub async fn not_found_or_not_allowed(
    req: HttpRequest,
    table: Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    Err(match table.allowed(req.path()) {
        Some(allow) if !allow.contains(req.method()) => ApiError::MethodNotAllowed {
            method: req.method().clone(),
            allow: allow.to_vec(),
        },
        _ => ApiError::NotFound(format!("no resource at {}", req.path())),
    })
}
