//! Bluesky repository exports (`repo.car`): a CARv1 file whose blocks are the DAG-CBOR
//! records of the account's repository, the nodes of its Merkle search tree and its signed
//! commit, in no guaranteed order.
//!
//! The commit (the CAR's root) names the account's DID and the tree's root; the tree maps
//! record keys such as `app.bsky.feed.post/<rkey>` to record blocks. Only posts that the
//! commit's tree reaches are imported, so stale blocks never become posts, and a file that
//! lacks a block the tree needs is an error, which is how a cut-short download shows.
//!
//! Blocks are read one at a time. What has to wait for its partner (a record read before
//! the tree lists it, or a tree node read before its parent) is kept until the partner
//! arrives; posts are kept in a compact form (time, type and title), so memory grows with
//! the number of posts, not with the size of the file. The export has no engagement counts:
//! those live in other people's repositories.

mod records;
mod repo;

use std::io::{self, BufReader, Read};
use std::pin::Pin;
use std::task::{Context, Poll};

use iroh_car::CarReader;
use tokio::io::{AsyncRead, ReadBuf};

use crate::chunker::Chunker;
use crate::position::{Counting, Position};
use crate::{ImportError, Location};

use repo::Repo;

/// Imports the posts of a repository export.
pub(crate) fn import_car(
    location: &Location,
    reader: impl Read,
    chunker: &mut Chunker<'_, '_>,
) -> Result<(), ImportError> {
    let (mut input, position) = Counting::new(BufReader::new(reader));
    let here = |block: u64| {
        location
            .clone()
            .at_record(block)
            .at_byte(position.byte_offset())
    };

    futures::executor::block_on(async {
        let mut car = CarReader::new(Blocking(&mut input))
            .await
            .map_err(|error| car_error(error, here(0), &position))?;
        let root = car.header().roots().first().copied().ok_or_else(|| {
            ImportError::malformed(here(0), "the CAR header names no root (commit) block")
        })?;
        let mut repo = Repo::new(root);
        let mut block = 0u64;
        loop {
            let next = car.next_block().await;
            block += 1;
            match next {
                Ok(Some((cid, data))) => repo.add_block(cid, &data, chunker, &|| here(block))?,
                Ok(None) => break,
                Err(error) => return Err(car_error(error, here(block), &position)),
            }
        }
        repo.finish(&here(block))
    })
}

/// The import error for a CAR reading failure; a failure at the end of the input means the
/// file was cut short.
fn car_error(error: iroh_car::Error, location: Location, position: &Position) -> ImportError {
    match error {
        iroh_car::Error::Io(error) => crate::archive::read_error(location, error),
        other if position.at_end() => {
            ImportError::truncated(location, format!("a CAR block is incomplete: {other}"))
        }
        other => ImportError::malformed(location, format!("not a valid CAR file: {other}")),
    }
}

/// Lets the asynchronous CAR reader read a blocking reader. Reads never wait, so every
/// poll is ready at once and a trivial executor drives the whole file.
struct Blocking<'a, R>(&'a mut R);

impl<R: Read> AsyncRead for Blocking<'_, R> {
    fn poll_read(
        self: Pin<&mut Self>,
        _context: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let reader = &mut self.get_mut().0;
        let result = reader
            .read(buf.initialize_unfilled())
            .map(|read| buf.advance(read));
        Poll::Ready(result)
    }
}
