//! Walks a repository's commit and Merkle search tree as their blocks arrive, and turns the
//! `app.bsky.feed.post` records the tree reaches into posts.

use std::collections::{HashMap, HashSet};
use std::fmt;

use cid::Cid;
use tally_domain::{Platform, PostRecord};

use super::records::{Commit, FeedPost, Node, Post, Typed, tid_time};
use crate::chunker::{Chunker, PostItem};
use crate::{ImportError, Location, SourceAccount};

/// The multicodec of DAG-CBOR blocks; repositories hold nothing else.
const DAG_CBOR: u64 = 0x71;
const POST_COLLECTION: &str = "app.bsky.feed.post/";

/// The state of a repository walk.
pub(super) struct Repo {
    root: Cid,
    account: Option<SourceAccount>,
    /// Tree nodes the commit reaches that have not been read yet.
    awaited_nodes: HashSet<Cid>,
    /// Tree nodes read before a reachable node pointed at them.
    early_nodes: HashMap<Cid, Node>,
    /// Post records the reachable tree lists but that have not been read yet, by record key.
    awaited_posts: HashMap<Cid, Vec<String>>,
    /// Every post record read, in compact form, for tree entries that come later.
    posts: HashMap<Cid, Post>,
}

impl Repo {
    /// A walk of the repository whose commit is the block `root`.
    pub fn new(root: Cid) -> Self {
        Self {
            root,
            account: None,
            awaited_nodes: HashSet::new(),
            early_nodes: HashMap::new(),
            awaited_posts: HashMap::new(),
            posts: HashMap::new(),
        }
    }

    /// Takes in one block.
    pub fn add_block(
        &mut self,
        cid: Cid,
        data: &[u8],
        chunker: &mut Chunker<'_, '_>,
        at: &dyn Fn() -> Location,
    ) -> Result<(), ImportError> {
        if cid.codec() != DAG_CBOR {
            return Ok(());
        }
        let malformed = |what: &str, error: &dyn fmt::Display| {
            ImportError::malformed(at(), format!("block {cid}: {what}: {error}"))
        };
        let typed: Typed =
            serde_ipld_dagcbor::from_slice(data).map_err(|e| malformed("not DAG-CBOR", &e))?;
        match typed.kind.as_deref() {
            Some("app.bsky.feed.post") => {
                let record: FeedPost = serde_ipld_dagcbor::from_slice(data)
                    .map_err(|e| malformed("not a valid post", &e))?;
                self.add_post(cid, Post::from(record), chunker, at)
            }
            Some(_) => Ok(()),
            None if cid == self.root => {
                let commit: Commit = serde_ipld_dagcbor::from_slice(data)
                    .map_err(|e| malformed("not a valid repository commit", &e))?;
                self.account = Some(SourceAccount {
                    handle: Some(commit.did),
                    ..SourceAccount::unnamed(Platform::Bluesky)
                });
                self.reach(commit.data, chunker, at)
            }
            None => match serde_ipld_dagcbor::from_slice::<Node>(data) {
                Ok(node) if self.awaited_nodes.remove(&cid) => {
                    let mut children = Vec::new();
                    self.walk(node, &mut children, chunker, at)?;
                    children
                        .into_iter()
                        .try_for_each(|child| self.reach(child, chunker, at))
                }
                Ok(node) => {
                    self.early_nodes.insert(cid, node);
                    Ok(())
                }
                Err(error) if self.awaited_nodes.contains(&cid) => {
                    Err(malformed("not a valid tree node", &error))
                }
                Err(_) => Ok(()),
            },
        }
    }

    /// Checks, after the last block, that the commit and everything its tree lists came.
    pub fn finish(self, at: &Location) -> Result<(), ImportError> {
        if self.account.is_none() {
            return Err(ImportError::truncated(
                at.clone(),
                "the repository's commit, the CAR root, never came",
            ));
        }
        let (nodes, posts) = (self.awaited_nodes.len(), self.awaited_posts.len());
        if nodes + posts > 0 {
            let message = format!(
                "the repository's tree lists {nodes} tree nodes and {posts} posts that are not in the file"
            );
            return Err(ImportError::truncated(at.clone(), message));
        }
        Ok(())
    }

    fn add_post(
        &mut self,
        cid: Cid,
        post: Post,
        chunker: &mut Chunker<'_, '_>,
        at: &dyn Fn() -> Location,
    ) -> Result<(), ImportError> {
        for rkey in self.awaited_posts.remove(&cid).unwrap_or_default() {
            self.emit(&rkey, &post, chunker, at)?;
        }
        self.posts.insert(cid, post);
        Ok(())
    }

    /// Walks the tree from the node `cid`, which the commit reaches, through every node
    /// already read; nodes not read yet are awaited.
    fn reach(
        &mut self,
        cid: Cid,
        chunker: &mut Chunker<'_, '_>,
        at: &dyn Fn() -> Location,
    ) -> Result<(), ImportError> {
        let mut pending = vec![cid];
        while let Some(cid) = pending.pop() {
            match self.early_nodes.remove(&cid) {
                Some(node) => self.walk(node, &mut pending, chunker, at)?,
                None => {
                    self.awaited_nodes.insert(cid);
                }
            }
        }
        Ok(())
    }

    /// Reads the entries of a reachable node: its posts are emitted or awaited, its
    /// subtrees are pushed onto `children`.
    fn walk(
        &mut self,
        node: Node,
        children: &mut Vec<Cid>,
        chunker: &mut Chunker<'_, '_>,
        at: &dyn Fn() -> Location,
    ) -> Result<(), ImportError> {
        children.extend(node.left);
        let mut key: Vec<u8> = Vec::new();
        for entry in node.entries {
            let shared = usize::try_from(entry.prefix).unwrap_or(usize::MAX);
            if shared > key.len() {
                let message = "a tree entry shares more of its key than the previous key has";
                return Err(ImportError::malformed(at(), message));
            }
            key.truncate(shared);
            key.extend_from_slice(&entry.key_suffix.0);
            children.extend(entry.right);

            let Some(rkey) = std::str::from_utf8(&key)
                .ok()
                .and_then(|key| key.strip_prefix(POST_COLLECTION))
            else {
                continue;
            };
            match self.posts.get(&entry.value) {
                Some(post) => {
                    let post = post.clone();
                    self.emit(rkey, &post, chunker, at)?;
                }
                None => self
                    .awaited_posts
                    .entry(entry.value)
                    .or_default()
                    .push(rkey.to_owned()),
            }
        }
        Ok(())
    }

    fn emit(
        &self,
        rkey: &str,
        post: &Post,
        chunker: &mut Chunker<'_, '_>,
        at: &dyn Fn() -> Location,
    ) -> Result<(), ImportError> {
        let Some(account) = &self.account else {
            return Ok(());
        };
        let did = account.handle.as_deref().unwrap_or_default();
        let uri = format!("at://{did}/{POST_COLLECTION}{rkey}");
        // Replies to other accounts are left out; replies within one's own thread stay.
        if post.reply_authors.iter().any(|author| author != did) {
            chunker.skipped().replies += 1;
            return Ok(());
        }
        let published_at = post.created_at.or_else(|| tid_time(rkey)).ok_or_else(|| {
            let message = format!("{uri}: createdAt is missing or not a time, and the record key is not a timestamp id");
            ImportError::malformed(at(), message)
        })?;
        let record = PostRecord {
            url: Some(format!("https://bsky.app/profile/{did}/post/{rkey}")),
            external_id: uri,
            content_type: post.content_type,
            published_at,
            title: post.title.clone(),
        };
        chunker
            .post(account, PostItem::new(record, published_at))
            .map_err(|error| error.at(at()))
    }
}
