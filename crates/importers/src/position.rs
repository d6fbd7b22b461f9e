//! A reader that keeps count of the bytes and lines it has passed on, so that errors can
//! say where they happened even when a parser does not.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// How far a [`Counting`] reader has got; shared with whoever reports errors.
#[derive(Debug, Default)]
pub(crate) struct Position {
    bytes: Cell<u64>,
    newlines: Cell<u64>,
    ended: Cell<bool>,
}

impl Position {
    /// Bytes read so far.
    pub fn byte_offset(&self) -> u64 {
        self.bytes.get()
    }

    /// The line being read, counting from 1.
    pub fn line(&self) -> u64 {
        self.newlines.get() + 1
    }

    /// Whether the input has reported its end.
    pub fn at_end(&self) -> bool {
        self.ended.get()
    }
}

/// Passes reads through and counts them in a shared [`Position`].
pub(crate) struct Counting<R> {
    inner: R,
    position: Rc<Position>,
}

impl<R: Read> Counting<R> {
    /// Wraps `inner`, counting from zero.
    pub fn new(inner: R) -> (Self, Rc<Position>) {
        let position = Rc::new(Position::default());
        let reader = Self {
            inner,
            position: Rc::clone(&position),
        };
        (reader, position)
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        let position = &self.position;
        if read == 0 && !buf.is_empty() {
            position.ended.set(true);
        }
        position.bytes.set(position.bytes.get() + read as u64);
        let newlines = buf[..read].iter().filter(|&&byte| byte == b'\n').count();
        position
            .newlines
            .set(position.newlines.get() + newlines as u64);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_lines_and_the_end_are_counted() {
        let (mut reader, position) = Counting::new(&b"ab\ncd\ne"[..]);
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        assert_eq!(position.byte_offset(), 7);
        assert_eq!(position.line(), 3);
        assert!(position.at_end());
    }
}
