//! Bluesky repository exports, built here from the records in a fixture: DAG-CBOR blocks,
//! a small Merkle search tree, a commit and a CARv1 file around them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use cid::Cid;
use cid::multihash::Multihash;
use common::{fixture, import, import_error, import_once, options, utc};
use serde::{Deserialize, Serialize, Serializer};
use sha2::{Digest, Sha256};
use tally_domain::{ContentType, Platform, PostRecord};
use tally_importers::{Format, ImportError, SourceAccount};

const DID: &str = "did:plc:testcreator00000000000000";

#[derive(Clone)]
struct Block {
    cid: Cid,
    bytes: Vec<u8>,
}

fn block<T: Serialize>(value: &T) -> Block {
    let bytes = serde_ipld_dagcbor::to_vec(value).unwrap();
    let digest = Sha256::digest(&bytes);
    let cid = Cid::new_v1(0x71, Multihash::wrap(0x12, &digest).unwrap());
    Block { cid, bytes }
}

/// A CBOR byte string.
struct Bytes(Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

#[derive(Serialize)]
struct Node {
    l: Option<Cid>,
    e: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    p: u64,
    k: Bytes,
    v: Cid,
    t: Option<Cid>,
}

#[derive(Serialize)]
struct Commit {
    did: String,
    version: u64,
    data: Cid,
    rev: String,
    prev: Option<Cid>,
    sig: Bytes,
}

#[derive(Deserialize)]
struct Fixture {
    did: String,
    records: Vec<FixtureRecord>,
}

#[derive(Deserialize)]
struct FixtureRecord {
    key: String,
    record: serde_json::Value,
}

/// A repository's blocks: the commit, the tree nodes root first, and the records.
struct Repo {
    commit: Block,
    nodes: Vec<Block>,
    records: Vec<Block>,
}

impl Repo {
    fn from_fixture() -> Self {
        let fixture: Fixture = serde_json::from_slice(&fixture("bluesky/records.json")).unwrap();
        let mut records: Vec<(String, Block)> = fixture
            .records
            .iter()
            .map(|record| (record.key.clone(), block(&record.record)))
            .collect();
        records.sort_by(|a, b| a.0.cmp(&b.0));

        // Three nodes: the root's left subtree, the root, and the subtree right of the
        // root's last entry; keys are compressed against the previous key of their node.
        let third = records.len() / 3;
        let node = |entries: &[(String, Block)], left: Option<Cid>, right: Option<Cid>| {
            let mut previous = "";
            let mut e = Vec::new();
            for (index, (key, record)) in entries.iter().enumerate() {
                let shared = key
                    .bytes()
                    .zip(previous.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                let last = index + 1 == entries.len();
                e.push(Entry {
                    p: shared as u64,
                    k: Bytes(key.as_bytes()[shared..].to_vec()),
                    v: record.cid,
                    t: if last { right } else { None },
                });
                previous = key;
            }
            block(&Node { l: left, e })
        };
        let left = node(&records[..third], None, None);
        let right = node(&records[2 * third..], None, None);
        let root = node(&records[third..2 * third], Some(left.cid), Some(right.cid));
        let commit = block(&Commit {
            did: fixture.did,
            version: 3,
            data: root.cid,
            rev: "3mg3wsszv2223".into(),
            prev: None,
            sig: Bytes(vec![7; 64]),
        });
        Self {
            commit,
            nodes: vec![root, left, right],
            records: records.into_iter().map(|(_, block)| block).collect(),
        }
    }

    /// Commit, nodes, then records, the order a streaming exporter would use.
    fn in_order(&self) -> Vec<Block> {
        let mut blocks = vec![self.commit.clone()];
        blocks.extend(self.nodes.iter().cloned());
        blocks.extend(self.records.iter().cloned());
        blocks
    }
}

fn car(root: Cid, blocks: &[Block]) -> Vec<u8> {
    futures::executor::block_on(async {
        let header = iroh_car::CarHeader::new_v1(vec![root]);
        let mut writer = iroh_car::CarWriter::new(header, Vec::new());
        for block in blocks {
            writer.write(block.cid, &block.bytes).await.unwrap();
        }
        writer.finish().await.unwrap()
    })
}

fn post_uri(rkey: &str) -> String {
    format!("at://{DID}/app.bsky.feed.post/{rkey}")
}

fn sorted_posts(bytes: &[u8]) -> Vec<PostRecord> {
    let imported = import_once("repo.car", bytes, None, &options()).unwrap();
    let mut posts = imported.merged().posts;
    posts.sort_by(|a, b| a.external_id.cmp(&b.external_id));
    posts
}

#[test]
fn the_repository_becomes_the_accounts_posts() {
    let repo = Repo::from_fixture();
    let file = car(repo.commit.cid, &repo.in_order());
    let imported = import_once("repo.car", &file, None, &options()).unwrap();
    let summary = &imported.summary;
    assert_eq!(summary.format, Format::BlueskyCar);
    assert_eq!(
        summary.accounts,
        [SourceAccount {
            handle: Some(DID.into()),
            ..SourceAccount::unnamed(Platform::Bluesky)
        }]
    );
    assert_eq!(
        (summary.posts, summary.engagement, summary.performance),
        (5, 0, 0)
    );
    assert_eq!(summary.skipped.replies, 1);
    assert_eq!(summary.observed_at, None);

    let post = |rkey: &str, content_type, published: &str, title: &str| PostRecord {
        external_id: post_uri(rkey),
        content_type,
        published_at: utc(published),
        url: Some(format!("https://bsky.app/profile/{DID}/post/{rkey}")),
        title: Some(title.into()),
    };
    assert_eq!(
        sorted_posts(&file),
        [
            post(
                "3mg2yn7ye2223",
                ContentType::Text,
                "2026-03-02T10:00:00Z",
                "First invented post on this account"
            ),
            post(
                "3mg33yj7n2223",
                ContentType::Carousel,
                "2026-03-02T11:00:00Z",
                "Two photos from the market"
            ),
            post(
                "3mg37dsgw2223",
                ContentType::Link,
                "2026-03-02T12:00:00Z",
                "A link worth reading"
            ),
            post(
                "3mg3g2evi2223",
                ContentType::Text,
                "2026-03-02T14:00:00Z",
                "Continuing my own thread"
            ),
            // createdAt is not a time; the record key's timestamp stands in.
            post(
                "3mg3jfo4r2223",
                ContentType::Video,
                "2026-03-02T15:00:00Z",
                "A video with a quote of a post"
            ),
        ]
    );
}

#[test]
fn block_order_does_not_matter_and_stale_blocks_are_not_posts() {
    let repo = Repo::from_fixture();
    let expected = sorted_posts(&car(repo.commit.cid, &repo.in_order()));

    let mut reversed = repo.in_order();
    reversed.reverse();
    assert_eq!(sorted_posts(&car(repo.commit.cid, &reversed)), expected);

    let stale = block(&serde_json::json!({
        "$type": "app.bsky.feed.post",
        "text": "A deleted post whose block was left behind",
        "createdAt": "2026-03-01T09:00:00Z",
    }));
    let mut with_stale = vec![stale];
    with_stale.extend(repo.in_order());
    assert_eq!(sorted_posts(&car(repo.commit.cid, &with_stale)), expected);
}

#[test]
fn missing_blocks_show_that_the_file_was_cut_short() {
    let repo = Repo::from_fixture();
    let blocks = repo.in_order();
    let without = |cid: Cid| -> Vec<Block> {
        blocks
            .iter()
            .filter(|block| block.cid != cid)
            .cloned()
            .collect()
    };

    let file = car(repo.commit.cid, &without(repo.nodes[2].cid));
    let error = import_error("repo.car", &file, None);
    assert!(matches!(error, ImportError::Truncated { .. }), "{error}");
    assert!(
        error.to_string().contains("lists 1 tree nodes and 0 posts"),
        "{error}"
    );

    let post_block = repo
        .records
        .iter()
        .find(|b| b.bytes.windows(5).any(|w| w == b"First"));
    let file = car(repo.commit.cid, &without(post_block.unwrap().cid));
    let error = import_error("repo.car", &file, None).to_string();
    assert!(error.contains("0 tree nodes and 1 posts"), "{error}");

    let file = car(repo.commit.cid, &without(repo.commit.cid));
    let error = import_error("repo.car", &file, None).to_string();
    assert!(
        error.contains("commit, the CAR root, never came"),
        "{error}"
    );

    let whole = car(repo.commit.cid, &blocks);
    for cut in [whole.len() - 5, whole.len() / 2, 20] {
        let error = import_error("repo.car", &whole[..cut], Some(Format::BlueskyCar));
        assert!(
            matches!(error, ImportError::Truncated { .. }),
            "cut at {cut}: {error}"
        );
    }
}

#[test]
fn malformed_blocks_and_files_are_named() {
    let repo = Repo::from_fixture();
    let mut blocks = repo.in_order();
    let garbage = Block {
        cid: Cid::new_v1(0x71, Multihash::wrap(0x12, &Sha256::digest(b"x")).unwrap()),
        bytes: vec![0xff, 0x00, 0x13],
    };
    blocks.insert(2, garbage);
    let error = import_error("repo.car", &car(repo.commit.cid, &blocks), None);
    let ImportError::Malformed { location, message } = &error else {
        panic!("{error}");
    };
    assert_eq!(location.record, Some(3));
    assert!(location.byte_offset.is_some());
    assert!(message.contains("not DAG-CBOR"), "{message}");

    let error = import_error(
        "repo.car",
        b"\x05hello world, not a CAR file",
        Some(Format::BlueskyCar),
    );
    assert!(error.to_string().starts_with("repo.car: "), "{error}");

    let zipped = common::zip_of(&[("repo.car", &car(repo.commit.cid, &repo.in_order()))]);
    let error = import_error("repo.zip", &zipped, Some(Format::BlueskyCar));
    assert!(
        matches!(error, ImportError::WrongContainer { .. }),
        "{error}"
    );
}

#[test]
fn a_seekable_import_reads_the_same() {
    let repo = Repo::from_fixture();
    let file = car(repo.commit.cid, &repo.in_order());
    let imported = import("export.bin", &file, None, &options()).unwrap();
    assert_eq!(
        imported.summary.format,
        Format::BlueskyCar,
        "detected from the header"
    );
    assert_eq!(imported.summary.posts, 5);
}
