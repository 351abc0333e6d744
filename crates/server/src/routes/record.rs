//! The skeleton of the records that hang from a contact (projects, contracts, and the
//! quotes and leads to come): loading one in the actor's cabinet, reading it behind
//! the guard, creating it, and editing it by merge patch with the audit of the fields
//! that changed. A record says what differs in [`Record`]; the routes keep their own
//! thin handlers, which carry the OpenAPI attributes.

use crate::access;
use crate::auth::Auth;
use crate::db::rows::*;
use crate::db::{new_id, now_ms, Tx};
use crate::error::{ApiError, Result};
use crate::listing::{self, Cursor, ListOrder};
use crate::routes::{audit_change, changed_fields, patched};
use crate::{changes, AppState};
use axum::Json;
use oubli_domain::Action;
use sea_query::{Expr, SelectStatement};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A kind of record under a contact, as the skeleton needs to know it.
pub(crate) trait Record: Serialize + Sized {
    /// What the API takes (`POST` body; an edit is merged into it).
    type Input: Serialize + DeserializeOwned;
    /// Its table.
    const TABLE: &'static str;
    /// Its alias in [`Record::select`].
    const ALIAS: &'static str;
    /// Its name in the audit log ("project": `project.edit`, refusals).
    const KIND: &'static str;

    /// The columns of the record, unfiltered.
    fn select() -> SelectStatement;
    /// The records of `q` with their child lists.
    async fn load(tx: &mut Tx, q: &SelectStatement) -> Result<Vec<Self>>;
    fn id(&self) -> &str;
    fn contact_id(&self) -> &str;
    fn to_input(&self) -> Self::Input;
    /// The record's own columns from an input (not the ids, not the timestamps).
    fn pairs(input: &Self::Input) -> Pairs;
    /// Cleans and checks an edit merged into the stored record (422s), before any
    /// write: what may not change, who it may be assigned to.
    async fn check_edit(
        tx: &mut Tx,
        auth: &Auth,
        current: &Self,
        input: &mut Self::Input,
    ) -> Result<()>;
    /// Writes the child lists (beneficiaries, insured persons…) that `lists` picks.
    async fn write_lists(
        tx: &mut Tx,
        auth: &Auth,
        id: &str,
        input: &Self::Input,
        lists: Lists<'_>,
    ) -> Result<()>;
}

/// Which child lists of an input a write replaces.
#[derive(Clone, Copy)]
pub(crate) enum Lists<'a> {
    /// A creation: every list the input holds.
    All,
    /// An edit: only the lists the merge patch names. Absent: keep the list; null:
    /// empty it (RFC 7396); an array: replace it.
    Named(&'a serde_json::Value),
}

impl Lists<'_> {
    /// The list to write under `key`, or None to leave it as stored.
    pub(crate) fn pick<'l, T>(self, key: &str, list: &'l Option<Vec<T>>) -> Option<&'l [T]> {
        match self {
            Lists::All => list.as_deref(),
            Lists::Named(patch) => patch.get(key).map(|_| list.as_deref().unwrap_or_default()),
        }
    }
}

/// The record `id` of the actor's cabinet, or 404.
pub(crate) async fn load_one<R: Record>(tx: &mut Tx, auth: &Auth, id: &str) -> Result<R> {
    let mut q = R::select();
    q.and_where(Expr::col((n(R::ALIAS), n("id"))).eq(id))
        .and_where(Expr::col((n(R::ALIAS), n("cabinet_id"))).eq(auth.actor.cabinet_id.as_str()));
    R::load(tx, &q).await?.pop().ok_or(ApiError::NotFound)
}

/// One keyset page of the records matching `cond` (the list's own filters and the
/// actor's scope), in `order`.
pub(crate) async fn page<R: Record>(
    tx: &mut Tx,
    order: &ListOrder,
    cursor: Option<&Cursor>,
    cond: sea_query::Cond,
    limit: i64,
) -> Result<(Vec<R>, Option<String>)> {
    let mut sel = R::select();
    sel.cond_where(cond);
    listing::page(tx, order, cursor, sel, limit, R::load, R::id).await
}

/// `GET /{records}/{id}`: the record, if its contact may be seen.
pub(crate) async fn read<R: Record>(st: &AppState, auth: &Auth, id: &str) -> Result<Json<R>> {
    let mut tx = st.db.read().await?;
    let record = load_one::<R>(&mut tx, auth, id).await?;
    access::open_contact(&mut tx, auth, record.contact_id(), Action::View, R::KIND).await?;
    tx.commit().await?;
    Ok(Json(record))
}

/// The end of a creation, once the route has checked the input and opened the
/// contact for writing: the row with `parents` (its contact's and other parents'
/// ids), its lists, the contact's change stamp; the record as stored.
pub(crate) async fn insert_new<R: Record>(
    tx: &mut Tx,
    auth: &Auth,
    input: &R::Input,
    contact_id: &str,
    parents: Pairs,
) -> Result<R> {
    let id = new_id();
    let now = now_ms();
    let mut p = R::pairs(input);
    p.extend([
        ("id", id.clone().into()),
        ("cabinet_id", auth.actor.cabinet_id.clone().into()),
    ]);
    p.extend(parents);
    p.extend([("created_at", now.into()), ("updated_at", now.into())]);
    tx.exec(&insert(R::TABLE, p)).await?;
    R::write_lists(tx, auth, &id, input, Lists::All).await?;
    changes::touch_contact(tx, &auth.actor.cabinet_id, contact_id).await?;
    load_one(tx, auth, &id).await
}

/// `PATCH /{records}/{id}`: a merge patch of the record, validated as a whole; the
/// audit entry names the fields that changed.
pub(crate) async fn edit<R: Record>(
    st: &AppState,
    auth: &Auth,
    id: &str,
    patch: &serde_json::Value,
) -> Result<Json<R>> {
    let mut tx = st.db.begin().await?;
    let current = load_one::<R>(&mut tx, auth, id).await?;
    access::open_contact_for_write(&mut tx, auth, current.contact_id(), R::KIND).await?;
    let before = current.to_input();
    let mut input: R::Input = patched(&before, patch)?;
    R::check_edit(&mut tx, auth, &current, &mut input).await?;
    let fields = changed_fields(&before, &input);
    let mut p = R::pairs(&input);
    p.push(("updated_at", now_ms().into()));
    let mut q = update(R::TABLE, p);
    q.and_where(Expr::col(n("id")).eq(id));
    tx.exec(&q).await?;
    R::write_lists(&mut tx, auth, id, &input, Lists::Named(patch)).await?;
    let action = format!("{}.edit", R::KIND);
    audit_change(&mut tx, auth, &action, (R::KIND, id), &fields).await?;
    changes::touch_contact(&mut tx, &auth.actor.cabinet_id, current.contact_id()).await?;
    let record = load_one(&mut tx, auth, id).await?;
    tx.commit().await?;
    Ok(Json(record))
}
