//! Keyset pages: the order of a list, its cursor, and the one function that fetches a
//! page (every list pages with it).

use crate::db::rows::{n, ActivityRow, ContactRow};
use crate::db::Tx;
use crate::error::{ApiError, Result};
use oubli_domain::filter::Sort;
use sea_query::{Expr, Func, Order, SelectStatement, SimpleExpr};

/// The name sort key ([`name_key`], stored in `contacts.name_key` by every write of a
/// contact, migration 0009) as SQL over the contact alias `c`, `1` without a name:
/// 0009 indexes exactly this expression (both databases use an expression index only
/// for the same expression). Compared byte by byte on both backends (SQLite's BINARY,
/// the C collation of our PostgreSQL databases).
pub const NAME_KEY_SQL: &str = "COALESCE(c.name_key, '1')";

/// The order of one list: a key (a column or an expression) and id columns that make
/// it total, all in one direction. A page is "the rows after the cursor's
/// (key, ids…) in this order", a row-value comparison the index serves directly.
#[derive(Clone, Debug)]
pub struct ListOrder {
    /// The first part of the cursor: the cursor of another order is refused.
    tag: &'static str,
    desc: bool,
    key: SimpleExpr,
    /// Whether the key is text (hex-encoded in the cursor) or an integer.
    text_key: bool,
    /// Aliases whose `id` breaks ties, most significant first; the last one is the
    /// listed row's own table.
    ids: Vec<&'static str>,
}

impl ListOrder {
    fn created(tag: &'static str, alias: &'static str, desc: bool) -> ListOrder {
        ListOrder {
            tag,
            desc,
            key: Expr::col((n(alias), n("created_at"))).into(),
            text_key: false,
            ids: vec![alias],
        }
    }

    /// Newest first on `alias.created_at` (contracts, activity): the lists without a
    /// `sort` parameter.
    pub fn newest(alias: &'static str) -> ListOrder {
        Self::created(Sort::CreatedDesc.as_str(), alias, true)
    }

    /// A list sorted by `sort`: by the contact's name key, ties broken by the ids of
    /// `ids` (the contact's alias `c` first), or by the creation of the last of `ids`.
    fn sorted(sort: Sort, ids: Vec<&'static str>) -> ListOrder {
        match sort {
            Sort::NameAsc | Sort::NameDesc | Sort::ContactAsc | Sort::ContactDesc => ListOrder {
                tag: sort.as_str(),
                desc: sort.is_descending(),
                key: Expr::cust(NAME_KEY_SQL),
                text_key: true,
                ids,
            },
            _ => {
                let own = ids.last().copied().unwrap_or("c");
                Self::created(sort.as_str(), own, sort.is_descending())
            }
        }
    }

    /// `/contacts` (alias `c`).
    pub fn contacts(sort: Sort) -> ListOrder {
        Self::sorted(sort, vec!["c"])
    }

    /// `/projects` (alias `p`, joined to its contact `c`). By contact: the contact's
    /// name key, the contact's id (so one contact's projects stay together), the
    /// project's id.
    pub fn projects(sort: Sort) -> ListOrder {
        Self::sorted(sort, vec!["c", "p"])
    }

    /// Any order over an expression of our own (the tasks' due date), ascending.
    pub fn by_text(tag: &'static str, key: SimpleExpr, alias: &'static str) -> ListOrder {
        ListOrder {
            tag,
            desc: false,
            key,
            text_key: true,
            ids: vec![alias],
        }
    }

    fn id_cols(&self) -> impl Iterator<Item = SimpleExpr> + '_ {
        self.ids.iter().map(|a| Expr::col((n(a), n("id"))).into())
    }

    /// Reads `?after=`: none, a cursor of this order, a 422 on `after` for a cursor of
    /// another order (the sort changed since the page was fetched), or a 400 for
    /// anything else.
    pub fn cursor(&self, after: Option<&str>) -> Result<Option<Cursor>> {
        let Some(s) = after.filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let bad = || ApiError::BadRequest(CURSOR_INVALID.into());
        let mut parts = s.split('~');
        let tag = parts.next().ok_or_else(bad)?;
        if tag != self.tag {
            let known = Sort::parse(tag).is_some() || tag == TASKS_TAG;
            return Err(if known {
                ApiError::invalid(
                    "after",
                    "Ce curseur de pagination appartient à un autre tri : reprenez à la première page.",
                )
            } else {
                bad()
            });
        }
        let key = parts.next().ok_or_else(bad)?;
        let key = if self.text_key {
            KeyValue::Text(unhex(key).ok_or_else(bad)?)
        } else {
            KeyValue::Int(key.parse().map_err(|_| bad())?)
        };
        let ids: Vec<String> = parts.map(String::from).collect();
        if ids.len() != self.ids.len()
            || ids.iter().any(|id| {
                id.is_empty()
                    || id.len() > 64
                    || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
        {
            return Err(bad());
        }
        Ok(Some(Cursor { key, ids }))
    }

    /// Rows after `c` in this order.
    fn after(&self, c: &Cursor) -> SimpleExpr {
        let mut row = vec![self.key.clone()];
        row.extend(self.id_cols());
        let mut at: Vec<SimpleExpr> = vec![match &c.key {
            KeyValue::Int(v) => Expr::val(*v).into(),
            KeyValue::Text(v) => Expr::val(v.as_str()).into(),
        }];
        at.extend(c.ids.iter().map(|id| Expr::val(id.as_str()).into()));
        let key_at = at[0].clone();
        let (row, at) = (Expr::tuple(row), Expr::tuple(at));
        // The bound on the key alone is implied by the row comparison, but SQLite
        // turns only it into a range of an expression index (without it, a deep page
        // of the name order would read the index from the start).
        let key = Expr::expr(self.key.clone());
        if self.desc {
            key.lte(key_at).and(row.lt(at))
        } else {
            key.gte(key_at).and(row.gt(at))
        }
    }

    fn order(&self, sel: &mut SelectStatement) {
        let dir = if self.desc { Order::Desc } else { Order::Asc };
        sel.order_by_expr(self.key.clone(), dir.clone());
        for id in self.id_cols() {
            sel.order_by_expr(id, dir.clone());
        }
    }
}

/// The tag of the tasks' cursors (due date ascending).
pub const TASKS_TAG: &str = "due_asc";
const CURSOR_INVALID: &str = "Curseur de pagination invalide.";

#[derive(Clone, Debug, PartialEq)]
enum KeyValue {
    Int(i64),
    Text(String),
}

/// A keyset position: the sort key and ids of the last row of the previous page.
/// Written `tag~key~id[~id]`: the order's tag, the key (an integer, or hex-encoded
/// text so the cursor needs no escaping in a URL), then the ids.
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor {
    key: KeyValue,
    ids: Vec<String>,
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<String> {
    if !s.len().is_multiple_of(2) || s.len() > 1024 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

/// The key and ids of one row, read back to write the next cursor.
#[derive(sqlx::FromRow)]
struct KeyRow {
    k_key: String,
    k_id0: String,
    k_id1: Option<String>,
}

/// One page of a list: the rows of `sel` (filtered already) after `cursor` in `order`,
/// at most `limit` of them, and the cursor of the next page if there is one. `load`
/// runs the select (rows, or records with their children); `id_of` gives a loaded
/// item's id. The next cursor's key is read back from the database for the last row,
/// so it is the exact value the database compares (lower() differs between SQLite
/// and PostgreSQL; Rust must not guess it).
pub async fn page<T>(
    tx: &mut Tx,
    order: &ListOrder,
    cursor: Option<&Cursor>,
    mut sel: SelectStatement,
    limit: i64,
    load: impl AsyncFnOnce(&mut Tx, &SelectStatement) -> Result<Vec<T>>,
    id_of: impl Fn(&T) -> &str,
) -> Result<(Vec<T>, Option<String>)> {
    if let Some(c) = cursor {
        sel.and_where(order.after(c));
    }
    order.order(&mut sel);
    sel.limit(limit as u64 + 1);
    let mut items = load(tx, &sel).await?;
    if items.len() as i64 <= limit {
        return Ok((items, None));
    }
    items.truncate(limit as usize);
    let Some(last) = items.last() else {
        return Ok((items, None));
    };
    let own = order.ids.last().copied().unwrap_or("c");
    let mut q = sel;
    q.clear_selects()
        .clear_order_by()
        .expr_as(Func::cast_as(order.key.clone(), n("TEXT")), n("k_key"))
        .and_where(Expr::col((n(own), n("id"))).eq(id_of(last)))
        .limit(1);
    for (i, id) in order.id_cols().enumerate().take(2) {
        q.expr_as(id, n(if i == 0 { "k_id0" } else { "k_id1" }));
    }
    if order.ids.len() < 2 {
        q.expr_as(Expr::val(Option::<String>::None), n("k_id1"));
    }
    let row: KeyRow = tx.opt(&q).await?.ok_or_else(|| {
        ApiError::Internal("the last row of a page vanished in its own transaction".into())
    })?;
    let mut next = format!("{}~", order.tag);
    if order.text_key {
        next.push_str(&hex(&row.k_key));
    } else {
        next.push_str(&row.k_key);
    }
    next.push('~');
    next.push_str(&row.k_id0);
    if let Some(id1) = row.k_id1.filter(|_| order.ids.len() > 1) {
        next.push('~');
        next.push_str(&id1);
    }
    Ok((items, Some(next)))
}

/// A row, read as stored, that a list pages over without loading anything more.
pub trait ListRow: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin {
    /// What the API sends for it.
    type Item;
    fn id(&self) -> &str;
    fn into_item(self) -> Self::Item;
}

impl ListRow for ContactRow {
    type Item = oubli_domain::Contact;
    fn id(&self) -> &str {
        &self.id
    }
    fn into_item(self) -> Self::Item {
        self.into_domain()
    }
}

impl ListRow for ActivityRow {
    type Item = oubli_domain::Activity;
    fn id(&self) -> &str {
        &self.id
    }
    fn into_item(self) -> Self::Item {
        self.into_domain()
    }
}

/// [`page`] over rows `R` of `sel`, each turned into what the API sends.
pub async fn page_rows<R: ListRow>(
    tx: &mut Tx,
    order: &ListOrder,
    cursor: Option<&Cursor>,
    sel: SelectStatement,
    limit: i64,
) -> Result<(Vec<R::Item>, Option<String>)> {
    let load = async |tx: &mut Tx, sel: &SelectStatement| Ok(tx.all::<R>(sel).await?);
    let (rows, next) = page(tx, order, cursor, sel, limit, load, R::id).await?;
    Ok((rows.into_iter().map(R::into_item).collect(), next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_belong_to_their_order() {
        let name = ListOrder::contacts(Sort::NameAsc);
        let c = name
            .cursor(Some(&format!("name_asc~{}~abc-1", hex("0dupont jean"))))
            .unwrap()
            .unwrap();
        assert_eq!(c.key, KeyValue::Text("0dupont jean".into()));
        assert_eq!(c.ids, vec!["abc-1"]);
        // Another sort's cursor: 422 on `after`.
        let err = name.cursor(Some("created_desc~17~abc")).unwrap_err();
        assert!(matches!(err, ApiError::Invalid(ref e) if e.contains_key("after")));
        let err = ListOrder::projects(Sort::CreatedAsc)
            .cursor(Some("created_desc~17~abc"))
            .unwrap_err();
        assert!(matches!(err, ApiError::Invalid(_)));
        // Garbage: 400.
        for bad in [
            "17~abc",
            "name_asc~zz~abc",
            "name_asc~616~abc",
            "name_asc~61~",
            "name_asc~61~a~b",
            "name_asc~61~bad!id",
        ] {
            assert!(
                matches!(name.cursor(Some(bad)), Err(ApiError::BadRequest(_))),
                "{bad}"
            );
        }
        let by_contact = ListOrder::projects(Sort::ContactDesc);
        assert!(by_contact.cursor(Some("contact_desc~31~c1")).is_err());
        assert!(by_contact.cursor(Some("contact_desc~31~c1~p1")).is_ok());
        assert_eq!(ListOrder::newest("k").cursor(None).unwrap(), None);
        assert_eq!(unhex(&hex("Éloïse ~ 1")).as_deref(), Some("Éloïse ~ 1"));
    }
}
