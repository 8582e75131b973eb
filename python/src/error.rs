//! Engine errors as Python exceptions.
//!
//! `_wfm.WfmError` carries the engine's message with its causes (`outer: inner: …`); the Python
//! layer (`wfm.WfmError`, a `ValueError`) parses the location the message names (file, line,
//! column, queue, interval) into attributes and maps a line of an in-memory table to its row.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::PyErr;

create_exception!(
    _wfm,
    WfmError,
    PyValueError,
    "An input or option the engine rejected; the message names where."
);

/// The error and its causes, outermost first, as one message.
pub(crate) fn message(e: &(dyn std::error::Error + 'static)) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        source = s.source();
    }
    msg
}

/// An engine error as a `WfmError`.
pub(crate) fn to_py<E: std::error::Error + 'static>(e: E) -> PyErr {
    WfmError::new_err(message(&e))
}
