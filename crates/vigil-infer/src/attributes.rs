//! Typed access to a node's attributes, with errors that name the attribute.

use crate::proto::{AttributeProto, NodeProto, attribute_type as ty};
use crate::tensor::HostTensor;

/// A node's attributes plus what is needed to say which node is wrong.
pub struct Attributes<'a> {
    node: &'a NodeProto,
}

fn type_name(code: i32) -> &'static str {
    match code {
        ty::FLOAT => "float",
        ty::INT => "int",
        ty::STRING => "string",
        ty::TENSOR => "tensor",
        ty::GRAPH => "graph",
        ty::FLOATS => "floats",
        ty::INTS => "ints",
        ty::STRINGS => "strings",
        ty::TENSORS => "tensors",
        ty::GRAPHS => "graphs",
        _ => "unknown",
    }
}

impl<'a> Attributes<'a> {
    pub fn new(node: &'a NodeProto) -> Self {
        Self { node }
    }

    fn find(&self, name: &str, expected: i32) -> Result<Option<&'a AttributeProto>, String> {
        match self.node.attribute.iter().find(|a| a.name == name) {
            None => Ok(None),
            Some(a) if !a.ref_attr_name.is_empty() => Err(format!(
                "attribute `{name}` refers to a function attribute, which is not supported"
            )),
            // Writers before IR 2 left `type` unset; accept those by the value's presence.
            Some(a) if a.r#type == expected || a.r#type == 0 => Ok(Some(a)),
            Some(a) => Err(format!(
                "attribute `{name}` should be {} but is {}",
                type_name(expected),
                type_name(a.r#type)
            )),
        }
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, String> {
        Ok(self.find(name, ty::INT)?.map(|a| a.i))
    }

    pub fn int_or(&self, name: &str, default: i64) -> Result<i64, String> {
        Ok(self.int(name)?.unwrap_or(default))
    }

    pub fn float(&self, name: &str) -> Result<Option<f32>, String> {
        Ok(self.find(name, ty::FLOAT)?.map(|a| a.f))
    }

    pub fn float_or(&self, name: &str, default: f32) -> Result<f32, String> {
        Ok(self.float(name)?.unwrap_or(default))
    }

    pub fn string(&self, name: &str) -> Result<Option<String>, String> {
        self.find(name, ty::STRING)?
            .map(|a| {
                String::from_utf8(a.s.clone())
                    .map_err(|_| format!("attribute `{name}` is not valid UTF-8"))
            })
            .transpose()
    }

    pub fn string_or(&self, name: &str, default: &str) -> Result<String, String> {
        Ok(self.string(name)?.unwrap_or_else(|| default.to_owned()))
    }

    pub fn ints(&self, name: &str) -> Result<Option<Vec<i64>>, String> {
        Ok(self.find(name, ty::INTS)?.map(|a| a.ints.clone()))
    }

    pub fn floats(&self, name: &str) -> Result<Option<Vec<f32>>, String> {
        Ok(self.find(name, ty::FLOATS)?.map(|a| a.floats.clone()))
    }

    pub fn strings(&self, name: &str) -> Result<Option<Vec<String>>, String> {
        self.find(name, ty::STRINGS)?
            .map(|a| {
                a.strings
                    .iter()
                    .map(|s| {
                        String::from_utf8(s.clone()).map_err(|_| {
                            format!("attribute `{name}` holds a string that is not UTF-8")
                        })
                    })
                    .collect()
            })
            .transpose()
    }

    pub fn tensor(&self, name: &str) -> Result<Option<HostTensor>, String> {
        self.find(name, ty::TENSOR)?
            .and_then(|a| a.t.as_ref())
            .map(|t| {
                crate::initializer::decode_tensor(t).map_err(|e| format!("attribute `{name}`: {e}"))
            })
            .transpose()
    }

    /// Fails when the node carries an attribute this implementation would silently ignore.
    pub fn only(&self, known: &[&str]) -> Result<(), String> {
        match self
            .node
            .attribute
            .iter()
            .find(|a| !known.contains(&a.name.as_str()))
        {
            Some(a) => Err(format!("attribute `{}` is not supported", a.name)),
            None => Ok(()),
        }
    }
}
