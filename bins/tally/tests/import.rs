//! Imports and exports over HTTP, end to end on both backends: an X archive, a Mastodon
//! archive and a YouTube Studio export for one user, read back through the analytics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::test;
use serde_json::{Value, json};
use tally::http::AppState;
use tally_domain::{NewUser, UserId};
use tally_store::testing::{Backend, TestDatabase};
use tally_store::{AccountStore, AnalyticsStore};

const BASE: &str = "/api/v1/analytics";
const PERIOD: &str = "start=2026-11-01&end=2026-11-30";

/// An X archive's `tweets.js`: two posts of the user and one retweet of someone else.
const TWEETS: &str = r#"window.YTD.tweets.part0 = [
  { "tweet" : { "id_str" : "1900000000000000001", "id" : "1900000000000000001",
      "created_at" : "Mon Nov 02 10:19:24 +0000 2026", "full_text" : "An invented first post",
      "favorite_count" : "12", "retweet_count" : "3", "retweeted" : false,
      "entities" : { "hashtags" : [ ], "urls" : [ ], "user_mentions" : [ ] } } },
  { "tweet" : { "id_str" : "1900000000000000002", "id" : "1900000000000000002",
      "created_at" : "Tue Nov 10 18:00:00 +0000 2026", "full_text" : "An invented photo post",
      "favorite_count" : "7", "retweet_count" : "1", "retweeted" : false,
      "entities" : { "hashtags" : [ ], "urls" : [ ], "user_mentions" : [ ],
        "media" : [ { "id_str" : "1900000000000000100", "type" : "photo" } ] },
      "extended_entities" : { "media" : [ { "id_str" : "1900000000000000100", "type" : "photo" } ] } } },
  { "tweet" : { "id_str" : "1900000000000000003", "id" : "1900000000000000003",
      "created_at" : "Wed Nov 11 09:00:00 +0000 2026",
      "full_text" : "RT @another_creator: someone else's invented post",
      "favorite_count" : "0", "retweet_count" : "40", "retweeted" : false,
      "entities" : { "hashtags" : [ ], "urls" : [ ],
        "user_mentions" : [ { "screen_name" : "another_creator", "id_str" : "42" } ] } } }
]"#;

fn note(id: u64, published: &str, likes: u64, shares: u64) -> Value {
    let status = format!("https://example.social/users/test_creator/statuses/{id}");
    json!({
        "id": format!("{status}/activity"), "type": "Create", "published": published,
        "actor": "https://example.social/users/test_creator",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": {
            "id": status, "type": "Note", "published": published, "inReplyTo": null,
            "url": format!("https://example.social/@test_creator/{id}"),
            "attributedTo": "https://example.social/users/test_creator",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "content": "<p>An invented note</p>", "attachment": [],
            "likes": {"id": format!("{status}/likes"), "type": "Collection", "totalItems": likes},
            "shares": {"id": format!("{status}/shares"), "type": "Collection", "totalItems": shares}
        }
    })
}

/// A Mastodon archive's `outbox.json`: two notes and a boost of someone else's post.
fn outbox() -> String {
    let boost = json!({
        "id": "https://example.social/users/test_creator/statuses/111000000000000009/activity",
        "type": "Announce", "published": "2026-11-13T08:00:00Z",
        "actor": "https://example.social/users/test_creator",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": "https://elsewhere.example/users/someone/statuses/1"
    });
    json!({
        "@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json",
        "type": "OrderedCollection", "totalItems": 3,
        "orderedItems": [
            note(111000000000000001, "2026-11-03T10:00:00Z", 5, 2),
            note(111000000000000002, "2026-11-12T21:30:00Z", 9, 1),
            boost
        ]
    })
    .to_string()
}

/// A YouTube Studio `Table data.csv`: the `Total` row, then two videos.
const STUDIO: &str = "Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,Likes,Comments added,Impressions,Impressions click-through rate (%)\n\
Total,,,,1500,15.0,3,50,5,28000,5.0\n\
vid_Aaa111bbb,\"Invented video, part one\",\"Nov 4, 2026\",300,1000,10.0,2,40,4,20000,5.0\n\
vid_Ccc222ddd,Invented video two,\"Nov 20, 2026\",45,500,5.0,1,10,1,8000,6.25\n";

fn state(db: &TestDatabase) -> AppState {
    AppState::from_store(Arc::new(db.store())).unwrap()
}

async fn app(
    state: AppState,
) -> impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error> {
    common::init_as_admin(state).await
}

async fn call<S>(app: &S, request: test::TestRequest) -> (u16, Value)
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let response = test::call_service(app, request.to_request()).await;
    let status = response.status().as_u16();
    let body = test::read_body(response).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn upload(user: i64, filename: &str, body: impl Into<Vec<u8>>) -> test::TestRequest {
    test::TestRequest::post()
        .uri(&format!("{BASE}/import/{user}?filename={filename}"))
        .insert_header(("content-type", "application/octet-stream"))
        .set_payload(body.into())
}

fn create_user(db: &TestDatabase, id: i64) {
    db.store()
        .upsert_user(&NewUser {
            id: UserId(id),
            name: "Test Creator".into(),
            timezone: "UTC".into(),
        })
        .unwrap();
}

async fn imports_end_to_end(db: TestDatabase) {
    create_user(&db, 41);
    let app = app(state(&db)).await;

    for (name, body) in [
        ("tweets.js", TWEETS.to_owned()),
        ("outbox.json", outbox()),
        ("Table%20data.csv", STUDIO.to_owned()),
    ] {
        let (status, report) = call(&app, upload(41, name, body)).await;
        assert_eq!(status, 200, "{name}: {report}");
    }
    let (_, again) = call(&app, upload(41, "tweets.js", TWEETS)).await;
    assert_eq!(again["stored"]["posts_created"], 0, "{again}");
    assert_eq!(again["stored"]["posts_updated"], 2, "{again}");
    assert_eq!(
        again["left_out"], 1,
        "the retweet is someone else's post: {again}"
    );

    let totals = |platform: &'static str| {
        let app = &app;
        async move {
            let uri = format!("{BASE}/overview/41?{PERIOD}&platform={platform}");
            let (status, body) = call(app, test::TestRequest::get().uri(&uri)).await;
            assert_eq!(status, 200, "{body}");
            body["totals"].clone()
        }
    };
    let x = totals("x").await;
    assert_eq!(
        (
            x["posts"]["current"].clone(),
            x["likes"]["current"].clone(),
            x["shares"]["current"].clone()
        ),
        (json!(2), json!(19), json!(4))
    );
    let mastodon = totals("mastodon").await;
    assert_eq!(
        (
            mastodon["posts"]["current"].clone(),
            mastodon["likes"]["current"].clone(),
            mastodon["shares"]["current"].clone()
        ),
        (json!(2), json!(14), json!(3))
    );
    let youtube = totals("youtube").await;
    assert_eq!(youtube["posts"]["current"], 2);
    assert_eq!(youtube["likes"]["current"], 50);
    assert_eq!(youtube["comments"]["current"], 5);
    assert_eq!(youtube["views"]["current"], 1500);
    assert_eq!(youtube["impressions"]["current"], 28000);

    let uri = format!("{BASE}/platform/41/mastodon?{PERIOD}");
    let (status, insights) = call(&app, test::TestRequest::get().uri(&uri)).await;
    assert_eq!(status, 200);
    assert_eq!(insights["overview"]["totals"]["likes"]["current"], 14);

    let uri = format!("{BASE}/content/41/x/1900000000000000001?{PERIOD}");
    let (status, post) = call(&app, test::TestRequest::get().uri(&uri)).await;
    assert_eq!(status, 200, "{post}");
    assert_eq!(
        (
            post["post"]["likes"].clone(),
            post["post"]["shares"].clone()
        ),
        (json!(12), json!(3))
    );

    let uri = format!("{BASE}/visualization/41/dashboard?{PERIOD}");
    let (status, dashboard) = call(&app, test::TestRequest::get().uri(&uri)).await;
    assert_eq!(status, 200);
    assert_eq!(dashboard["summary"]["posts"]["current"], 6);
    assert_eq!(dashboard["summary"]["likes"]["current"], 19 + 14 + 50);
}

#[actix_web::test]
async fn three_exports_import_and_read_back_exactly_on_sqlite() {
    imports_end_to_end(TestDatabase::create(Backend::Sqlite).unwrap()).await;
}

#[actix_web::test]
async fn three_exports_import_and_read_back_exactly_on_postgres() {
    if let Some(db) = TestDatabase::create(Backend::Postgres) {
        imports_end_to_end(db).await;
    }
}

#[actix_web::test]
async fn bad_files_store_nothing_and_say_where() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    create_user(&db, 42);
    let mut limited = state(&db);
    limited.upload_limit_bytes = 64 * 1024;
    let app = app(limited).await;

    let truncated = &TWEETS[..TWEETS.len() / 2];
    let (status, body) = call(&app, upload(42, "tweets.js", truncated)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "invalid_file");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("tweets.js"), "{message}");
    let bad_csv = STUDIO.replace("\"Nov 4, 2026\"", "\"someday\"");
    let (status, body) = call(&app, upload(42, "Table%20data.csv", bad_csv)).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = call(&app, upload(42, "notes.txt", "just some words")).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        db.store().row_counts(UserId(42)).unwrap().posts,
        0,
        "nothing half-written"
    );
    assert_eq!(db.store().row_counts(UserId(42)).unwrap().accounts, 0);

    let cases: Vec<(test::TestRequest, u16, &str)> = vec![
        (upload(42, "big.js", vec![b'x'; 70 * 1024]), 413, "limit"),
        (upload(42, "tweets.js", ""), 400, "empty"),
        (
            upload(999, "tweets.js", TWEETS),
            404,
            "user 999 does not exist",
        ),
        (
            test::TestRequest::post()
                .uri(&format!("{BASE}/import/42?format=myspace"))
                .set_payload("x"),
            400,
            "valid values",
        ),
        (
            test::TestRequest::post()
                .uri(&format!("{BASE}/import/42?colour=red"))
                .set_payload("x"),
            400,
            "format, filename",
        ),
        (
            test::TestRequest::get().uri(&format!("{BASE}/import/42")),
            405,
            "use POST",
        ),
        (
            test::TestRequest::get().uri(&format!("{BASE}/export/42/everything")),
            400,
            "valid values: posts",
        ),
        (
            test::TestRequest::get().uri(&format!("{BASE}/export/999/posts")),
            404,
            "user 999",
        ),
    ];
    for (request, status, message) in cases {
        let (actual, body) = call(&app, request).await;
        assert_eq!(actual, status, "{message}: {body}");
        let text = body["error"]["message"].as_str().unwrap_or_default();
        assert!(text.contains(message), "expected '{message}' in {text}");
    }
}

#[actix_web::test]
async fn an_export_imported_into_another_user_loses_nothing() {
    let Some(seeded) = common::seeded(Backend::Sqlite, 43) else {
        return;
    };
    create_user(&seeded.db, 44);
    let app = app(state(&seeded.db)).await;

    for kind in ["posts", "account_metrics"] {
        // The exported period covers the analyzed one and the one before it.
        let uri = format!("{BASE}/export/43/{kind}?days=125");
        let response =
            test::call_service(&app, test::TestRequest::get().uri(&uri).to_request()).await;
        assert_eq!(response.status().as_u16(), 200);
        assert!(
            response
                .headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let csv = test::read_body(response).await;
        assert!(csv.starts_with(format!("# tally-csv v1 {kind}").as_bytes()));
        let (status, report) = call(&app, upload(44, &format!("{kind}.csv"), csv.to_vec())).await;
        assert_eq!(status, 200, "{kind}: {report}");
    }

    let overview = |user: i64| {
        let app = &app;
        async move {
            let uri = format!("{BASE}/overview/{user}?days=60");
            call(app, test::TestRequest::get().uri(&uri)).await.1
        }
    };
    let (original, copy) = (overview(43).await, overview(44).await);
    assert_eq!(copy["totals"], original["totals"]);
    assert_eq!(copy["engagement_rate"], original["engagement_rate"]);
    let store = seeded.db.store();
    let window = |user| tally_store::PostQuery {
        user: UserId(user),
        from: chrono::Utc::now() - chrono::Duration::days(120),
        until: chrono::Utc::now() + chrono::Duration::days(1),
        platforms: vec![],
    };
    assert_eq!(
        store.observations(&window(44)).unwrap().len(),
        store.observations(&window(43)).unwrap().len()
    );
}

#[actix_web::test]
async fn values_a_file_cannot_store_are_the_files_fault() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    create_user(&db, 45);
    let app = app(state(&db)).await;
    // A tally CSV naming a post that is not stored, and one count beyond what is stored.
    let orphan = "# tally-csv v1 post_metrics\nplatform,account,post_external_id,metric,value,observed_at\n\
x,test_creator,9999,like,3,2026-11-02T10:00:00Z\n# end 1 rows\n";
    let (status, body) = call(&app, upload(45, "orphan.csv", orphan)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "invalid_file");
    let huge = TWEETS.replace(
        "\"favorite_count\" : \"12\"",
        "\"favorite_count\" : \"18446744073709551615\"",
    );
    let (status, body) = call(&app, upload(45, "tweets.js", huge)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(db.store().row_counts(UserId(45)).unwrap().posts, 0);

    let long_name = format!("{}tweets.js", "a".repeat(300));
    let (status, body) = call(&app, upload(45, &long_name, TWEETS)).await;
    assert_eq!(
        status, 200,
        "a long name keeps the extension that tells the format: {body}"
    );
}

#[actix_web::test]
async fn an_import_never_moves_a_connected_account_and_finds_it_however_spelled() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    create_user(&db, 46);
    let app = app(state(&db)).await;
    let account = json!({"platform": "mastodon", "handle": "@Victim", "base_url": "https://example.social", "credential": "tok-test"});
    let request = test::TestRequest::post()
        .uri(&format!("{BASE}/accounts/46"))
        .set_json(account);
    let (status, connected) = call(&app, request).await;
    assert_eq!(status, 201, "{connected}");

    let repoint = "# tally-csv v1 account_metrics\nplatform,account,base_url,day,metric,value,observed_at\n\
mastodon,victim,http://127.0.0.1:9,2026-11-01,followers,10,2026-11-01T23:59:00Z\n# end 1 rows\n";
    let (status, report) = call(&app, upload(46, "innocent.csv", repoint)).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report["accounts"][0]["account_id"], connected["id"],
        "the connected account, found without its @"
    );

    let accounts = db.store().accounts(UserId(46)).unwrap();
    assert_eq!(accounts.len(), 1, "no second account");
    assert_eq!(
        accounts[0].base_url.as_deref(),
        Some("https://example.social"),
        "the server did not move"
    );
}

#[actix_web::test]
async fn counts_at_the_storage_limit_never_crash_a_chart() {
    let db = TestDatabase::create(Backend::Sqlite).unwrap();
    create_user(&db, 47);
    let app = app(state(&db)).await;
    let huge = "# tally-csv v1 posts\nplatform,external_id,content_type,published_at,observed_at,like,share,comment\n\
x,p1,text,2026-11-02T10:00:00Z,2026-11-05T12:00:00Z,9223372036854775807,9223372036854775807,9223372036854775807\n# end 1 rows\n";
    let (status, body) = call(&app, upload(47, "huge.csv", huge)).await;
    assert_eq!(status, 200, "{body}");
    for path in [
        "visualization/47/engagement_breakdown",
        "visualization/47/dashboard",
        "overview/47",
        "content/47/x/p1",
    ] {
        let uri = format!("{BASE}/{path}?{PERIOD}");
        let (status, body) = call(&app, test::TestRequest::get().uri(&uri)).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
}

/// A tally CSV file in time order across two accounts, as an export of several platforms
/// has it. Mastodon's post is read again at the instant of its second row, with another
/// like count, after the X rows between them.
const ALTERNATING: &str = "# tally-csv v1 posts
platform,account,external_id,content_type,published_at,url,title,observed_at,like,comment
mastodon,test_creator,m1,text,2026-11-02T10:00:00Z,,,2026-11-05T12:00:00Z,5,1
x,test_creator,x1,text,2026-11-02T11:00:00Z,,,2026-11-05T12:00:00Z,7,2
mastodon,test_creator,m1,text,2026-11-02T10:00:00Z,,,2026-11-06T12:00:00Z,6,1
x,test_creator,x1,text,2026-11-02T11:00:00Z,,,2026-11-06T12:00:00Z,8,2
mastodon,test_creator,m1,text,2026-11-02T10:00:00Z,,,2026-11-06T12:00:00.0000004Z,9,1
# end 5 rows
";

async fn alternating_accounts_import(db: TestDatabase) {
    create_user(&db, 45);
    let app = app(state(&db)).await;
    let (status, report) = call(&app, upload(45, "posts.csv", ALTERNATING)).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["accounts"].as_array().map(Vec::len), Some(2));
    let stored = &report["stored"];
    assert_eq!(
        (
            stored["posts_created"].clone(),
            stored["observations_created"].clone(),
            stored["observations_skipped"].clone()
        ),
        (json!(2), json!(8), json!(2)),
        "ten counter records: the last row repeats an instant: {report}"
    );

    let likes = |platform: &'static str, post: &'static str| {
        let app = &app;
        async move {
            let uri = format!("{BASE}/content/45/{platform}/{post}?{PERIOD}");
            let (status, body) = call(app, test::TestRequest::get().uri(&uri)).await;
            assert_eq!(status, 200, "{body}");
            body["post"]["likes"].clone()
        }
    };
    assert_eq!(likes("mastodon", "m1").await, 6, "the value recorded first");
    assert_eq!(likes("x", "x1").await, 8);

    let (_, again) = call(&app, upload(45, "posts.csv", ALTERNATING)).await;
    assert_eq!(
        (
            again["stored"]["observations_created"].clone(),
            again["stored"]["observations_skipped"].clone()
        ),
        (json!(0), json!(10)),
        "{again}"
    );
    assert_eq!(likes("mastodon", "m1").await, 6);
}

#[actix_web::test]
async fn alternating_accounts_keep_the_first_value_of_an_instant_on_sqlite() {
    alternating_accounts_import(TestDatabase::create(Backend::Sqlite).unwrap()).await;
}

#[actix_web::test]
async fn alternating_accounts_keep_the_first_value_of_an_instant_on_postgres() {
    if let Some(db) = TestDatabase::create(Backend::Postgres) {
        alternating_accounts_import(db).await;
    }
}
