//! `GET /sync?since=<cursor>&limit=`: what changed for the current user since the
//! cursor, for the offline cache (API.md "Offline sync", PRODUCT.md §9); and
//! `GET /sync/key`, the per-user key that wraps the cache's key for online reloads.
//!
//! - Scope: exactly the online one ([`listing::scope_cond`]): a salesperson gets their
//!   own contacts, a team lead their team's, an administrator the cabinet's.
//! - Upserts: whole records ([`store::sync_records`]: contact, household, projects,
//!   contracts, notes, tasks, appointments; no document, file or metadata: the
//!   record's `activity_counts` still count them), oldest change first, read with a
//!   fixed number of statements whatever the batch holds.
//! - Anonymized contacts are never upserts: anonymization leaves a tombstone, so the
//!   cache purges the record instead of keeping a shell with no personal value.
//! - Tombstones: a contact deleted, anonymized or reassigned away (changes.rs writes
//!   them with the owner and team it left) whose tombstone falls in the window and that
//!   the user does not see now: a contact reassigned within a team lead's team stays in
//!   the lead's cache. Tombstones are never purged from the database, so a cursor is
//!   never too old for them.
//! - Pages are keyset on `(change_seq, id)`. The cursor is `<seq>.<tag>`: the cabinet's
//!   change sequence the answer covers up to, and a tag of the user it was given to;
//!   `<seq>:<contact id>.<tag>` when a page ends among contacts stamped with the same
//!   number (the rest of that number comes next, none lost or sent twice).
//! - `reset: true` (drop the cache, then sync again with no cursor) when the cursor is
//!   another user's (a cache left behind on a shared device), when it is beyond the
//!   cabinet's sequence (a restored database), or when what the user may see changed
//!   after it (`users.scope_seq`: role, team, activation, or a member joining or
//!   leaving their team). A reset answer holds nothing else: no upserts, no
//!   tombstones, an empty cursor and `more: true` (call again, with no cursor). A
//!   cursor that does not parse, or a `limit` outside 1..=500, is a 400.

use crate::auth::{self, Auth};
use crate::db::rows::*;
use crate::error::{ApiError, ApiQuery, Result};
use crate::{listing, store, AppState};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use oubli_domain::{Scope, SyncKey, SyncResponse, SYNC_BATCH};
use sea_query::{Cond, Expr, Order, Query};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sync", get(sync))
        .route("/sync/key", get(key))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// The `cursor` of the previous answer; absent (or empty) for a first, full sync.
    pub since: Option<String>,
    /// Contacts per answer at most, 1 to 500 (the default); the client calls again
    /// with the new cursor while `more` is true.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
}

const BAD_CURSOR: &str = "Curseur de synchronisation invalide.";

/// The tag that binds a cursor to its user (not a secret: it only tells one user's
/// cursor from another's).
fn tag(actor: &oubli_domain::Actor) -> String {
    let h = auth::sha256_hex(format!("sync\n{}\n{}", actor.cabinet_id, actor.user_id).as_bytes());
    h[..12].to_string()
}

/// Where an answer stopped: every change up to `seq` was sent, or, when `after` is
/// set, the contacts stamped `seq` only up to that id (more contacts share the number
/// than a page holds; only the bench's generated contacts do, all at 0).
#[derive(Debug, Clone, PartialEq)]
struct Mark {
    seq: i64,
    after: Option<String>,
}

impl Mark {
    /// The last tombstone sequence covered: tombstones never share a number with a
    /// contact that is sent (anonymized contacts are not), so a mark inside a number
    /// covers the tombstones before it.
    fn tombstones_upto(&self) -> i64 {
        if self.after.is_some() {
            self.seq - 1
        } else {
            self.seq
        }
    }

    fn render(&self, tag: &str) -> String {
        match &self.after {
            None => format!("{}.{tag}", self.seq),
            Some(id) => format!("{}:{id}.{tag}", self.seq),
        }
    }
}

/// `(mark, tag)` of a cursor `<seq>[:<contact id>].<tag>`, or `None` for no cursor.
fn parse_cursor(raw: Option<&str>) -> Result<Option<(Mark, String)>> {
    let Some(s) = raw.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let bad = || ApiError::BadRequest(BAD_CURSOR.into());
    let (mark, tag) = s.rsplit_once('.').ok_or_else(bad)?;
    let (seq, after) = match mark.split_once(':') {
        None => (mark, None),
        Some((seq, id)) => {
            let ok = id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
            if !ok {
                return Err(bad());
            }
            (seq, Some(id.to_ascii_lowercase()))
        }
    };
    if seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if tag.len() != 12 || !tag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(bad());
    }
    let seq: i64 = seq.parse().map_err(|_| bad())?;
    Ok(Some((Mark { seq, after }, tag.to_string())))
}

fn parse_limit(raw: Option<&str>) -> Result<usize> {
    match raw {
        None => Ok(SYNC_BATCH),
        Some(s) => s
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=SYNC_BATCH).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "La taille de lot doit être comprise entre 1 et {SYNC_BATCH}."
                ))
            }),
    }
}

/// Changes since the cursor, oldest first.
///
/// Whole records of the contacts the user sees (as online) changed since the cursor,
/// and the ids of those that left their view; `reset` when the cursor cannot be
/// continued.
#[utoipa::path(get, path = "/api/v1/sync", tag = "sync", params(SyncQuery),
    responses((status = 200, body = SyncResponse,
               description = "`upserts`: whole records (contact, household, projects, contracts, notes, tasks, \
appointments) to store; `tombstones`: contact ids to purge (erased, deleted, reassigned away); `cursor`: to send \
as `since` next time; `more`: call again at once with it; `reset`: drop the cache and sync again with no cursor \
(the cursor is another user's, beyond the cabinet's sequence, or older than a change of what the user may see)."),
              (status = 400, body = oubli_domain::ErrorBody, description = "Curseur ou taille de lot invalide.")))]
pub async fn sync(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<SyncQuery>,
) -> Result<Json<SyncResponse>> {
    let cursor = parse_cursor(q.since.as_deref())?;
    let limit = parse_limit(q.limit.as_deref())?;
    let me = tag(&auth.actor);
    let mut tx = st.db.read().await?;
    let mut hq = Query::select();
    hq.column(n("change_seq"))
        .from(n("cabinets"))
        .and_where(Expr::col(n("id")).eq(auth.actor.cabinet_id.as_str()));
    let head = tx.int(&hq).await?;
    let since = match cursor {
        None => None,
        Some((mark, t)) => {
            let mut sq = Query::select();
            sq.column(n("scope_seq"))
                .from(n("users"))
                .and_where(Expr::col(n("id")).eq(auth.actor.user_id.as_str()));
            let scope_seq = tx.int(&sq).await?;
            if t != me || mark.seq > head || mark.seq < scope_seq {
                tx.commit().await?;
                return Ok(Json(SyncResponse {
                    upserts: Vec::new(),
                    tombstones: Vec::new(),
                    cursor: String::new(),
                    more: true,
                    reset: true,
                }));
            }
            Some(mark)
        }
    };
    // Keyset on (change_seq, id): no cursor reads from the start (contacts never
    // stamped, at 0, included).
    let seq = || Expr::col((n("c"), n("change_seq")));
    let from = match &since {
        None => Cond::all().add(seq().gte(0)),
        Some(Mark {
            seq: s,
            after: None,
        }) => Cond::all().add(seq().gt(*s)),
        Some(Mark {
            seq: s,
            after: Some(id),
        }) => Cond::any().add(seq().gt(*s)).add(
            Cond::all()
                .add(seq().eq(*s))
                .add(Expr::col((n("c"), n("id"))).gt(id.as_str())),
        ),
    };
    let mut sel = select("contacts", "c", CONTACT_COLS);
    sel.cond_where(listing::scope_cond(&auth.actor))
        .cond_where(from)
        .and_where(Expr::col((n("c"), n("anonymized_at"))).is_null())
        .order_by((n("c"), n("change_seq")), Order::Asc)
        .order_by((n("c"), n("id")), Order::Asc)
        .limit(limit as u64 + 1);
    let mut rows: Vec<ContactRow> = tx.all(&sel).await?;
    let more = rows.len() > limit;
    let upto = if more {
        let split = rows[limit].change_seq == rows[limit - 1].change_seq;
        rows.truncate(limit);
        let last = &rows[limit - 1];
        Mark {
            seq: last.change_seq,
            after: split.then(|| last.id.clone()),
        }
    } else {
        Mark {
            seq: head,
            after: None,
        }
    };
    let contacts: Vec<_> = rows.into_iter().map(ContactRow::into_domain).collect();
    let upserts = store::sync_records(&mut tx, contacts).await?;
    let tombstones = match &since {
        // A full sync starts from an empty cache: nothing to purge.
        None => Vec::new(),
        Some(m) => {
            tombstones(
                &mut tx,
                &auth.actor,
                m.tombstones_upto(),
                upto.tombstones_upto(),
            )
            .await?
        }
    };
    tx.commit().await?;
    Ok(Json(SyncResponse {
        upserts,
        tombstones,
        cursor: upto.render(&me),
        more,
        reset: false,
    }))
}

/// Contacts that left the user's view in `(since, upto]` and that the user does not see
/// now, each once, in the order they left.
async fn tombstones(
    tx: &mut crate::db::Tx,
    actor: &oubli_domain::Actor,
    since: i64,
    upto: i64,
) -> Result<Vec<String>> {
    let mut visible = Query::select();
    visible
        .expr(Expr::val(1))
        .from_as(n("contacts"), n("c"))
        .cond_where(listing::scope_cond(actor))
        .and_where(Expr::col((n("c"), n("id"))).equals((n("t"), n("contact_id"))))
        .and_where(Expr::col((n("c"), n("anonymized_at"))).is_null());
    let mut tq = Query::select();
    tq.column((n("t"), n("contact_id")))
        .from_as(n("tombstones"), n("t"))
        .and_where(Expr::col((n("t"), n("cabinet_id"))).eq(actor.cabinet_id.as_str()))
        .and_where(Expr::col((n("t"), n("seq"))).gt(since))
        .and_where(Expr::col((n("t"), n("seq"))).lte(upto))
        .and_where(Expr::exists(visible).not())
        .order_by((n("t"), n("seq")), Order::Asc);
    match actor.scope() {
        Scope::Cabinet => {}
        Scope::Team(t) => {
            tq.cond_where(
                Cond::any()
                    .add(Expr::col((n("t"), n("team_id"))).eq(t))
                    .add(Expr::col((n("t"), n("user_id"))).eq(actor.user_id.as_str())),
            );
        }
        Scope::Own(u) => {
            tq.and_where(Expr::col((n("t"), n("user_id"))).eq(u));
        }
    }
    let rows: Vec<(String,)> = tx.all(&tq).await?;
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .map(|r| r.0)
        .filter(|id| seen.insert(id.clone()))
        .collect())
}

/// The user's key for the offline cache.
///
/// It wraps the cache's key so that an online reload asks for nothing (PRODUCT.md §9). Made on first ask and kept until the user's
/// password changes or the account is deactivated (`routes/admin.rs` drops it). Not
/// audited (a read, not an export) and never logged.
#[utoipa::path(get, path = "/api/v1/sync/key", tag = "sync",
    responses((status = 200, body = SyncKey,
               description = "La même clé pour l'utilisateur d'une session à l'autre, jusqu'au changement de son mot de passe ou à la désactivation du compte.")))]
pub async fn key(State(st): State<AppState>, auth: Auth) -> Result<Json<SyncKey>> {
    let read = |q: &mut sea_query::SelectStatement| {
        q.column(n("sync_key"))
            .from(n("users"))
            .and_where(Expr::col(n("id")).eq(auth.actor.user_id.as_str()))
            .and_where(Expr::col(n("cabinet_id")).eq(auth.actor.cabinet_id.as_str()));
    };
    let mut q = Query::select();
    read(&mut q);
    let mut tx = st.db.read().await?;
    let found: Option<(Option<String>,)> = tx.opt(&q).await?;
    tx.commit().await?;
    if let Some((Some(k),)) = found {
        return Ok(Json(SyncKey { key: k }));
    }
    // First ask: a new key, written only if none was written meanwhile (two tabs
    // asking at once get the same one).
    let fresh = {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        use base64::Engine;
        let mut b = [0u8; 32];
        OsRng.fill_bytes(&mut b);
        base64::engine::general_purpose::STANDARD.encode(b)
    };
    let mut tx = st.db.begin().await?;
    let mut u = Query::update();
    u.table(n("users"))
        .value(n("sync_key"), fresh)
        .and_where(Expr::col(n("id")).eq(auth.actor.user_id.as_str()))
        .and_where(Expr::col(n("sync_key")).is_null());
    tx.exec(&u).await?;
    let found: Option<(Option<String>,)> = tx.opt(&q).await?;
    tx.commit().await?;
    match found {
        Some((Some(k),)) => Ok(Json(SyncKey { key: k })),
        _ => Err(ApiError::Unauthorized),
    }
}
