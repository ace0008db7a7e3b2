//! Conditions whose statements each connection prepares once.
//!
//! diesel prepares again, at every execution, any statement holding SQL text
//! (`sql()`), since it cannot know the text is one of a few, and any holding
//! a list of values. Preparing costs more than running most of our queries;
//! these conditions are cached like the rest.
//!
//! [`fixed`]: SQL text written in the program, with at most one bound value.
//!
//! [`any_of`]: `column IN (values)` with the values as one bound parameter.
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

/// Its type identifies its SQL to diesel's statement cache: the text differs
/// only by backend and by the column's value type, both fixed for a given
/// column on a given connection.
#[derive(Debug, Clone, QueryId)]
pub struct AnyOf<C> {
    column: C,
    backend: Backend,
    /// The values as the backend reads them.
    list: String,
    /// The PostgreSQL array type the list is cast to.
    array_type: &'static str,
}

/// `column` is one of `ids`; an empty list matches nothing.
pub fn any_of<C>(conn: &DbConnection, column: C, ids: &[i64]) -> AnyOf<C> {
    let items = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let backend = conn.backend();
    let list = match backend {
        Backend::Sqlite => format!("[{items}]"),
        Backend::Postgres => format!("{{{items}}}"),
    };
    AnyOf {
        column,
        backend,
        list,
        array_type: "BIGINT[]",
    }
}

/// `column` is one of `values`; an empty list matches nothing.
pub fn any_of_text<C, S: AsRef<str>>(conn: &DbConnection, column: C, values: &[S]) -> AnyOf<C> {
    let backend = conn.backend();
    let values: Vec<&str> = values.iter().map(AsRef::as_ref).collect();
    let list = match backend {
        Backend::Sqlite => serde_json::to_string(&values).expect("strings serialise"),
        // Quoted elements: only `"` and `\` need escaping.
        Backend::Postgres => {
            let quoted: Vec<String> = values
                .iter()
                .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            format!("{{{}}}", quoted.join(","))
        }
    };
    AnyOf {
        column,
        backend,
        list,
        array_type: "TEXT[]",
    }
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
        match self.backend {
            Backend::Sqlite => {
                out.push_sql(" IN (SELECT value FROM json_each(");
                out.push_bind_param::<Text, String>(&self.list)?;
                out.push_sql("))");
            }
            Backend::Postgres => {
                out.push_sql(" = ANY(CAST(");
                out.push_bind_param::<Text, String>(&self.list)?;
                out.push_sql(" AS ");
                out.push_sql(self.array_type);
                out.push_sql("))");
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
