//! OpenAPI helpers for the derived schemas (feature `openapi`, server only).

use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;

/// The schema of an input type as it appears inside a response: the same properties,
/// without the input's `additionalProperties: false`. A response such as `Contact`
/// flattens `ContactInput` and adds `id`, `created_at`, …; under `allOf` a closed
/// input schema would call every one of those "unexpected".
pub fn open<T: utoipa::PartialSchema>() -> RefOr<Schema> {
    let mut s = T::schema();
    if let RefOr::T(Schema::Object(o)) = &mut s {
        o.additional_properties = None;
    }
    s
}
