//! The generator itself.

use std::collections::BTreeMap;
use std::f64::consts::TAU;

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use tally_domain::{
    AccountMetric, AccountMetricRecord, ContentType, EngagementKind, EngagementRecord, IngestBatch,
    NewAccount, NewUser, PerformanceMetric, PerformanceRecord, Platform, PostRecord,
};

use crate::profile::{PlatformProfile, profile};
use crate::{PlantedTruths, PlatformTruth, SampleAccount, SampleOptions, SampleUser};

/// Time zones that sample users live in.
const TIMEZONES: &[&str] = &[
    "America/New_York",
    "Europe/Berlin",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Tokyo",
    "Australia/Sydney",
    "America/Sao_Paulo",
];

/// Local hours that sample users publish at.
const POSTING_HOURS: &[u32] = &[8, 10, 12, 13, 15, 17, 19, 20, 21];

/// How much more the planted best slot and best content type engage.
const BEST_SLOT_FACTOR: f64 = 4.0;
const BEST_TYPE_FACTOR: f64 = 2.0;

/// Engagement relative to the weekly mean, Monday first.
const WEEKDAY_RHYTHM: [f64; 7] = [1.0, 1.05, 1.08, 1.04, 0.97, 0.85, 0.88];

/// When counters are observed after publishing, and the share of the final value reached then.
const OBSERVATIONS: &[(i64, f64)] = &[(1, 0.35), (24, 0.85), (24 * 7, 1.0)];

/// The day follower growth is measured from, so that a day's figure never depends on the
/// period generated.
const GROWTH_ANCHOR: (i32, u32, u32) = (2024, 1, 1);

/// Generates one user; see the crate documentation.
pub fn generate(options: &SampleOptions) -> SampleUser {
    let mut user_rng = stream(options, None, 0);
    let timezone_name = TIMEZONES[user_rng.random_range(0..TIMEZONES.len())];
    let timezone: Tz = timezone_name.parse().unwrap_or(Tz::UTC);

    let mut platforms = Platform::ALL.to_vec();
    platforms.shuffle(&mut user_rng);
    platforms.truncate(options.platforms.clamp(1, Platform::ALL.len()));
    platforms.sort();

    let mut truths = BTreeMap::new();
    let mut accounts = Vec::with_capacity(platforms.len());
    for platform in platforms {
        let account = AccountGenerator::new(options, platform, timezone);
        truths.insert(platform, account.truth);
        accounts.push(account.generate());
    }

    SampleUser {
        user: NewUser {
            id: options.user,
            name: format!("Sample Creator {}", options.user),
            timezone: timezone_name.to_owned(),
        },
        accounts,
        truths: PlantedTruths {
            timezone: timezone_name.to_owned(),
            platforms: truths,
        },
    }
}

/// A random stream for one user, platform and day, independent of every other.
fn stream(options: &SampleOptions, platform: Option<Platform>, day: i64) -> ChaCha8Rng {
    let platform_index = platform
        .and_then(|wanted| Platform::ALL.iter().position(|known| *known == wanted))
        .map_or(0, |index| index as u64 + 1);
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&options.seed.to_le_bytes());
    seed[8..16].copy_from_slice(&options.user.get().to_le_bytes());
    seed[16..24].copy_from_slice(&platform_index.to_le_bytes());
    seed[24..].copy_from_slice(&day.to_le_bytes());
    ChaCha8Rng::from_seed(seed)
}

/// A multiplicative noise factor with a median of 1.
fn noise(rng: &mut ChaCha8Rng, spread: f64) -> f64 {
    let z: f64 = rng.sample(StandardNormal);
    (spread * z).exp()
}

fn count(value: f64) -> u64 {
    value.round().max(0.0) as u64
}

struct AccountGenerator<'a> {
    options: &'a SampleOptions,
    platform: Platform,
    profile: PlatformProfile,
    timezone: Tz,
    truth: PlatformTruth,
    base_followers: f64,
    daily_growth: f64,
    type_factors: Vec<(ContentType, f64)>,
    handle: String,
    cutoff: DateTime<Utc>,
}

impl<'a> AccountGenerator<'a> {
    fn new(options: &'a SampleOptions, platform: Platform, timezone: Tz) -> Self {
        let profile = profile(platform);
        let mut rng = stream(options, Some(platform), i64::MIN);

        let weekday =
            chrono::Weekday::try_from(rng.random_range(0..7u8)).unwrap_or(chrono::Weekday::Tue);
        let best_hour = POSTING_HOURS[rng.random_range(0..POSTING_HOURS.len())];
        let best_content_type =
            profile.content_types[rng.random_range(0..profile.content_types.len())].0;
        let type_factors = profile
            .content_types
            .iter()
            .map(|(content_type, _)| {
                let factor = if *content_type == best_content_type {
                    BEST_TYPE_FACTOR
                } else {
                    rng.random_range(0.75..1.1)
                };
                (*content_type, factor)
            })
            .collect();
        let base_followers = rng.random_range(profile.followers.0..profile.followers.1);
        let daily_growth = rng.random_range(0.0004..0.0012);
        let end_of_last_day = options
            .end
            .succ_opt()
            .unwrap_or(options.end)
            .and_time(chrono::NaiveTime::MIN)
            .and_utc();
        let cutoff = options
            .observed_until
            .map_or(end_of_last_day, |until| until.min(end_of_last_day));

        Self {
            options,
            platform,
            profile,
            timezone,
            truth: PlatformTruth {
                best_weekday: weekday,
                best_hour,
                best_content_type,
            },
            base_followers,
            daily_growth,
            type_factors,
            handle: format!("sample_creator_{}", options.user),
            cutoff,
        }
    }

    fn generate(&self) -> SampleAccount {
        let mut batch = IngestBatch::default();
        let last = self.options.end;
        let first = last
            .checked_sub_days(Days::new(u64::from(self.options.days.max(1) - 1)))
            .unwrap_or(last);
        for day in first.iter_days().take_while(|day| *day <= last) {
            self.generate_day(day, &mut batch);
        }

        SampleAccount {
            account: NewAccount {
                user_id: self.options.user,
                platform: self.platform,
                handle: self.handle.clone(),
                base_url: (self.platform == Platform::Mastodon)
                    .then(|| "https://social.example.org".to_owned()),
                credential: None,
            },
            batch,
        }
    }

    /// Followers at the end of `day`: steady growth from the anchor, a weekly wave and noise.
    fn followers_on(&self, day: NaiveDate, rng: &mut ChaCha8Rng) -> f64 {
        let anchor = NaiveDate::from_ymd_opt(GROWTH_ANCHOR.0, GROWTH_ANCHOR.1, GROWTH_ANCHOR.2)
            .unwrap_or(day);
        let elapsed = (day - anchor).num_days() as f64;
        let trend = (1.0 + self.daily_growth * elapsed).max(0.2);
        let wave = 1.0 + 0.002 * (TAU * elapsed / 7.0).sin();
        self.base_followers * trend * wave * noise(rng, 0.001)
    }

    fn generate_day(&self, day: NaiveDate, batch: &mut IngestBatch) {
        let mut rng = stream(
            self.options,
            Some(self.platform),
            day.num_days_from_ce().into(),
        );
        let followers = self.followers_on(day, &mut rng);
        let end_of_day = day
            .succ_opt()
            .unwrap_or(day)
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .min(self.cutoff);
        let weekday_factor = WEEKDAY_RHYTHM[day.weekday().num_days_from_monday() as usize];

        let mut daily = vec![
            (AccountMetric::Followers, followers),
            (AccountMetric::Following, 150.0 + followers / 40.0),
        ];
        if self.profile.account_exposure {
            let reach = followers * 0.2 * weekday_factor * noise(&mut rng, 0.15);
            daily.push((AccountMetric::Reach, reach));
            daily.push((AccountMetric::Impressions, reach * 1.6));
            daily.push((AccountMetric::ProfileViews, reach * 0.02));
        }
        batch
            .account_metrics
            .extend(
                daily
                    .into_iter()
                    .map(|(metric, value)| AccountMetricRecord {
                        day,
                        metric,
                        value: count(value),
                        observed_at: end_of_day,
                    }),
            );

        let post_count = match rng.random_range(0.0..1.0) {
            roll if roll < 0.3 => 1,
            roll if roll < 0.7 => 2,
            _ => 3,
        };
        let mut hours: Vec<u32> = (0..post_count)
            .map(|_| POSTING_HOURS[rng.random_range(0..POSTING_HOURS.len())])
            .collect();
        if day.weekday() == self.truth.best_weekday {
            hours[0] = self.truth.best_hour;
        }
        hours.sort_unstable();
        hours.dedup();

        for (index, hour) in hours.into_iter().enumerate() {
            let minute = rng.random_range(0..60);
            let Some(local) = day.and_hms_opt(hour, minute, 0) else {
                continue;
            };
            // A local time that a daylight-saving change skips does not exist; skip the post.
            let Some(published_at) = self.timezone.from_local_datetime(&local).earliest() else {
                continue;
            };
            let published_at = published_at.with_timezone(&Utc);
            if published_at >= self.cutoff {
                continue;
            }
            self.generate_post(day, index, published_at, followers, &mut rng, batch);
        }
    }

    fn generate_post(
        &self,
        day: NaiveDate,
        index: usize,
        published_at: DateTime<Utc>,
        followers: f64,
        rng: &mut ChaCha8Rng,
        batch: &mut IngestBatch,
    ) {
        let content_type = self.pick_content_type(rng);
        let local = published_at.with_timezone(&self.timezone);
        let local_hour = chrono::Timelike::hour(&local);

        let mut factor = WEEKDAY_RHYTHM[local.weekday().num_days_from_monday() as usize]
            * hour_rhythm(local_hour)
            * noise(rng, 0.25);
        if local.weekday() == self.truth.best_weekday && local_hour == self.truth.best_hour {
            factor *= BEST_SLOT_FACTOR;
        }
        factor *= self
            .type_factors
            .iter()
            .find(|(known, _)| *known == content_type)
            .map_or(1.0, |(_, type_factor)| *type_factor);
        if rng.random_range(0.0..1.0) < 0.015 {
            factor *= rng.random_range(8.0..20.0);
        }

        let reach = followers * self.profile.reach_share * factor.sqrt() * noise(rng, 0.1);
        let interactions = reach * self.profile.engagement_per_reach * factor.sqrt();
        let mut finals: Vec<(Counter, f64)> = self
            .profile
            .interactions
            .iter()
            .map(|(kind, share)| {
                (
                    Counter::Engagement(*kind),
                    interactions * share * noise(rng, 0.1),
                )
            })
            .collect();
        let views = self
            .profile
            .views_per_reach
            .map(|per_reach| reach * per_reach);
        if let Some(views) = views {
            finals.push((Counter::Engagement(EngagementKind::View), views));
        }
        for metric in self.profile.performance {
            let value = match metric {
                PerformanceMetric::Reach => reach,
                PerformanceMetric::Impressions => reach * 1.4,
                PerformanceMetric::WatchTimeSeconds => {
                    let seconds_per_view = if content_type == ContentType::Short {
                        25.0
                    } else {
                        140.0
                    };
                    views.unwrap_or(reach) * seconds_per_view
                }
            };
            finals.push((Counter::Performance(*metric), value));
        }

        let external_id = format!("{}-{}-{}", self.platform, day.format("%Y%m%d"), index + 1);
        for (hours_after, share) in OBSERVATIONS {
            let observed_at = published_at.checked_add_signed(Duration::hours(*hours_after));
            let Some(observed_at) = observed_at.filter(|at| *at <= self.cutoff) else {
                break;
            };
            for (counter, value) in &finals {
                let value = count(value * share);
                match counter {
                    Counter::Engagement(kind) => batch.engagement.push(EngagementRecord {
                        post_external_id: external_id.clone(),
                        kind: *kind,
                        count: value,
                        observed_at,
                    }),
                    Counter::Performance(metric) => batch.performance.push(PerformanceRecord {
                        post_external_id: external_id.clone(),
                        metric: *metric,
                        value,
                        observed_at,
                    }),
                }
            }
        }

        batch.posts.push(PostRecord {
            url: Some(format!(
                "https://{}.example.org/{}/{}",
                self.platform, self.handle, external_id
            )),
            title: Some(format!(
                "{} post {} of {}",
                capitalize(content_type.as_str()),
                index + 1,
                day.format("%b %-d")
            )),
            external_id,
            content_type,
            published_at,
        });
    }

    fn pick_content_type(&self, rng: &mut ChaCha8Rng) -> ContentType {
        let mut roll = rng.random_range(0.0..1.0);
        for (content_type, weight) in self.profile.content_types {
            if roll < *weight {
                return *content_type;
            }
            roll -= weight;
        }
        self.profile.content_types[0].0
    }
}

enum Counter {
    Engagement(EngagementKind),
    Performance(PerformanceMetric),
}

/// Engagement by local hour relative to the daily mean: evenings do a little better.
fn hour_rhythm(hour: u32) -> f64 {
    match hour {
        6..=9 => 0.95,
        10..=14 => 1.05,
        15..=18 => 1.0,
        19..=22 => 1.1,
        _ => 0.85,
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
