//! A checker of JSON values against the schemas of an OpenAPI document, covering the keywords
//! utoipa emits.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate};
use serde_json::Value;

/// The schema a `$ref` points at, or the schema itself.
pub fn resolve<'d>(doc: &'d Value, schema: &'d Value) -> &'d Value {
    match schema["$ref"].as_str() {
        Some(reference) => resolve(doc, doc.pointer(&reference[1..]).unwrap()),
        None => schema,
    }
}

/// Fails with every place where `body` breaks `schema`.
pub fn assert_conforms(doc: &Value, schema: &Value, body: &Value, what: &str) {
    let errors = mismatches(doc, schema, body, "$", true);
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

/// Where `value` breaks `schema`: a wrong type, a value outside an `enum` or the bounds, a
/// string of the wrong length, a malformed date, a missing required property, a value of
/// `additionalProperties` that breaks its schema or, for a `closed` object, a property the
/// schema does not declare.
pub fn mismatches(
    doc: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    closed: bool,
) -> Vec<String> {
    let schema = resolve(doc, schema);
    let list = |keyword: &str| schema[keyword].as_array().cloned().unwrap_or_default();
    let mut errors = Vec::new();

    for part in list("allOf") {
        errors.extend(mismatches(doc, &part, value, at, false));
    }
    let branches = list("oneOf");
    if !branches.is_empty() {
        let matching = branches
            .iter()
            .filter(|branch| mismatches(doc, branch, value, at, closed).is_empty())
            .count();
        if matching != 1 {
            errors.push(format!("{at}: {value} matches {matching} oneOf branches"));
        }
    }

    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|kind| has_type(value, kind)) {
        errors.push(format!("{at}: {value} is not of type {types:?}"));
        return errors;
    }
    if schema["enum"]
        .as_array()
        .is_some_and(|values| !values.contains(value))
    {
        errors.push(format!("{at}: {value} is not one of {}", schema["enum"]));
    }
    if let (Some(minimum), Some(number)) = (schema["minimum"].as_f64(), value.as_f64())
        && number < minimum
    {
        errors.push(format!("{at}: {number} is below {minimum}"));
    }
    if let (Some(maximum), Some(number)) = (schema["maximum"].as_f64(), value.as_f64())
        && number > maximum
    {
        errors.push(format!("{at}: {number} is above {maximum}"));
    }
    let text = value.as_str().unwrap_or_default();
    let length = text.chars().count() as u64;
    if value.is_string()
        && (schema["minLength"].as_u64().is_some_and(|min| length < min)
            || schema["maxLength"].as_u64().is_some_and(|max| length > max))
    {
        errors.push(format!("{at}: {value} has a length outside the bounds"));
    }
    match schema["format"].as_str() {
        Some("date") if value.is_string() && text.parse::<NaiveDate>().is_err() => {
            errors.push(format!("{at}: {value} is not a date"));
        }
        Some("date-time") if value.is_string() && DateTime::parse_from_rfc3339(text).is_err() => {
            errors.push(format!("{at}: {value} is not an RFC 3339 date-time"));
        }
        _ => {}
    }

    if let Some(items) = value.as_array() {
        for (index, item) in items.iter().enumerate() {
            let at = format!("{at}[{index}]");
            errors.extend(mismatches(doc, &schema["items"], item, &at, true));
        }
    }
    if let Some(object) = value.as_object() {
        for required in list("required") {
            if !object.contains_key(required.as_str().unwrap()) {
                errors.push(format!("{at}: required property {required} is missing"));
            }
        }
        if let Some(properties) = schema["properties"].as_object() {
            for (name, property) in properties {
                if let Some(field) = object.get(name) {
                    errors.extend(mismatches(
                        doc,
                        property,
                        field,
                        &format!("{at}.{name}"),
                        true,
                    ));
                }
            }
        }
        let declared = declared_properties(doc, schema);
        let undeclared = object.iter().filter(|(name, _)| !declared.contains(*name));
        match &schema["additionalProperties"] {
            Value::Object(_) => {
                for (name, field) in undeclared {
                    let additional = &schema["additionalProperties"];
                    let at = format!("{at}.{name}");
                    errors.extend(mismatches(doc, additional, field, &at, true));
                }
            }
            Value::Bool(false) => {
                for (name, _) in undeclared {
                    errors.push(format!("{at}: property {name} is not allowed"));
                }
            }
            _ if closed && !declared.is_empty() => {
                for (name, _) in undeclared {
                    errors.push(format!("{at}: property {name} is not documented"));
                }
            }
            _ => {}
        }
    }
    errors
}

/// The properties a schema declares, through `allOf` (serde's `flatten`) too.
fn declared_properties(doc: &Value, schema: &Value) -> BTreeSet<String> {
    let schema = resolve(doc, schema);
    let mut names: BTreeSet<String> = schema["properties"]
        .as_object()
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        names.extend(declared_properties(doc, part));
    }
    names
}

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}
