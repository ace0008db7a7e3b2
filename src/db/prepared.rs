//! Conditions whose statements each connection prepares once.
//!
//! diesel prepares again, at every execution, any statement holding SQL text
//! (`sql()`), since it cannot know the text is one of a few, and any holding
//! a list of values. Preparing costs more than running most of our queries;
//! these conditions are cached like the rest.
//!
//! [`fixed`]: SQL text written in the program, with at most one bound value.
//!
//! [`any_of`]: `column IN (values)` with the values as one bound parameter
//! (`column = ?` for one value).
//! diesel writes `IN (?, ?, …)` with one parameter per value, a statement
//! that differs with the number of values and is therefore prepared again at
//! every execution: several times per article read. Bound as one text value
//! (a JSON array read by `json_each` on SQLite, an array literal cast to an
//! array type on PostgreSQL), the statement is the same whatever the values
//! and each connection prepares it once.

use diesel::QueryResult;
use diesel::expression::{AppearsOnTable, Expression, SelectableExpression, ValidGrouping, is_aggregate};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{Bool, HasSqlType, Text};

use super::{Backend, DbConnection, MultiBackend};

#[derive(Debug, Clone)]
pub struct AnyOf<C> {
    column: C,
    backend: Backend,
    /// The one value, or the values as the backend reads a list of them.
    values: Values,
    /// The PostgreSQL type of one value.
    element_type: &'static str,
}

#[derive(Debug, Clone)]
enum Values {
    /// `column = ?`: SQLite uses an index for it where it leaves one aside
    /// for a list (a section's own articles, newest first).
    One(String),
    List(String),
}

/// `column` is one of `ids`; an empty list matches nothing.
pub fn any_of<C>(conn: &DbConnection, column: C, ids: &[i64]) -> AnyOf<C> {
    let values: Vec<String> = ids.iter().map(i64::to_string).collect();
    any_of_rendered(conn.backend(), column, values, "BIGINT", |v| v.to_owned())
}

/// `column` is one of `values`; an empty list matches nothing.
pub fn any_of_text<C, S: AsRef<str>>(conn: &DbConnection, column: C, values: &[S]) -> AnyOf<C> {
    let values: Vec<String> = values.iter().map(|v| v.as_ref().to_owned()).collect();
    let backend = conn.backend();
    any_of_rendered(backend, column, values, "TEXT", move |v| match backend {
        Backend::Sqlite => serde_json::to_string(v).expect("strings serialise"),
        // Quoted elements: only `"` and `\` need escaping.
        Backend::Postgres => format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")),
    })
}

/// `element` writes one value as a list item for the backend.
fn any_of_rendered<C>(
    backend: Backend,
    column: C,
    mut values: Vec<String>,
    element_type: &'static str,
    element: impl Fn(&str) -> String,
) -> AnyOf<C> {
    let values = if values.len() == 1 {
        Values::One(values.remove(0))
    } else {
        let items: Vec<String> = values.iter().map(|v| element(v)).collect();
        Values::List(match backend {
            Backend::Sqlite => format!("[{}]", items.join(",")),
            Backend::Postgres => format!("{{{}}}", items.join(",")),
        })
    };
    AnyOf {
        column,
        backend,
        values,
        element_type,
    }
}

/// Its SQL differs with the number of values: diesel keys its statement
/// cache by the SQL text, not by the type.
impl<C> QueryId for AnyOf<C> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<C: Expression> Expression for AnyOf<C> {
    type SqlType = Bool;
}

impl<C, QS> AppearsOnTable<QS> for AnyOf<C> where C: AppearsOnTable<QS> {}

impl<C, QS> SelectableExpression<QS> for AnyOf<C> where C: SelectableExpression<QS> {}

impl<C, GB> ValidGrouping<GB> for AnyOf<C>
where
    C: ValidGrouping<GB>,
{
    type IsAggregate = C::IsAggregate;
}

impl<C> AnyOf<C> {
    fn walk<'b, DB>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()>
    where
        DB: diesel::backend::Backend + HasSqlType<Text>,
        C: QueryFragment<DB>,
        String: ToSql<Text, DB>,
    {
        self.column.walk_ast(out.reborrow())?;
        match (&self.values, self.backend) {
            (Values::One(value), Backend::Sqlite) => {
                out.push_sql(" = ");
                out.push_bind_param::<Text, String>(value)?;
            }
            (Values::List(list), Backend::Sqlite) => {
                out.push_sql(" IN (SELECT value FROM json_each(");
                out.push_bind_param::<Text, String>(list)?;
                out.push_sql("))");
            }
            (Values::One(value), Backend::Postgres) => {
                out.push_sql(" = CAST(");
                out.push_bind_param::<Text, String>(value)?;
                out.push_sql(" AS ");
                out.push_sql(self.element_type);
                out.push_sql(")");
            }
            (Values::List(list), Backend::Postgres) => {
                out.push_sql(" = ANY(CAST(");
                out.push_bind_param::<Text, String>(list)?;
                out.push_sql(" AS ");
                out.push_sql(self.element_type);
                out.push_sql("[]))");
            }
        }
        Ok(())
    }
}

/// A condition of SQL text fixed in the program, around at most one bound
/// text value.
#[derive(Debug, Clone)]
pub struct Fixed {
    before: Vec<&'static str>,
    bound: Option<(String, &'static str)>,
}

/// The condition `text`, its pieces written one after the other.
pub fn fixed(text: &[&'static str]) -> Fixed {
    Fixed {
        before: text.to_vec(),
        bound: None,
    }
}

impl Fixed {
    /// The condition followed by `value`, bound, then by `after`.
    pub fn bind(self, value: String, after: &'static str) -> Self {
        Self {
            bound: Some((value, after)),
            ..self
        }
    }

    fn walk<'b, DB>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()>
    where
        DB: diesel::backend::Backend + HasSqlType<Text>,
        String: ToSql<Text, DB>,
    {
        for text in &self.before {
            out.push_sql(text);
        }
        if let Some((value, after)) = &self.bound {
            out.push_bind_param::<Text, String>(value)?;
            out.push_sql(after);
        }
        Ok(())
    }
}

impl QueryId for Fixed {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Expression for Fixed {
    type SqlType = Bool;
}

impl<QS> AppearsOnTable<QS> for Fixed {}

impl<QS> SelectableExpression<QS> for Fixed {}

impl<GB> ValidGrouping<GB> for Fixed {
    type IsAggregate = is_aggregate::Never;
}

// diesel renders some expressions (subqueries of `IN`, for one) through
// each backend of the connection over both, so each gets the fragments.
macro_rules! fragments_for {
    ($($db:ty),+) => {$(
        impl<C: QueryFragment<$db>> QueryFragment<$db> for AnyOf<C> {
            fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, $db>) -> QueryResult<()> {
                self.walk(out)
            }
        }

        impl QueryFragment<$db> for Fixed {
            fn walk_ast<'b>(&'b self, out: AstPass<'_, 'b, $db>) -> QueryResult<()> {
                self.walk(out)
            }
        }
    )+};
}

fragments_for!(MultiBackend, diesel::pg::Pg, diesel::sqlite::Sqlite);
