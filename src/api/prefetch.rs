//! A GET that a page needs, started as soon as its route is chosen: before the page's code
//! has arrived (a lazy route's `data()`), and again when what it depends on changes.

use std::marker::PhantomData;

use leptos::prelude::*;
use serde::de::DeserializeOwned;

use super::calls::{Call, Query, Request};
use super::{decode, use_api, ApiError};

/// A prefetched answer, with the query that asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fetched {
    /// The query as sent (a stream's later pages repeat it).
    query: Query,
    /// The body as the API sent it.
    body: String,
}

/// The body as the API sent it, held by one resource type for every page (generic, it was
/// ~2 kB of wasm per page); the page decodes it as `T` in its own chunk.
type Held = LocalResource<Result<Option<Fetched>, ApiError>>;

/// A call whose answer reads as `T`, started early by [`Prefetch::start`].
pub struct Prefetch<T>(Held, PhantomData<fn() -> T>);

impl<T> Clone for Prefetch<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Prefetch<T> {}

impl<T: 'static> Prefetch<T> {
    /// Starts the call that `call` makes from the route (reading its signals; `None`:
    /// nothing to fetch), and follows it.
    pub fn start(call: impl Fn() -> Result<Option<Call<T>>, ApiError> + Send + Sync + 'static) -> Self {
        Self(start_boxed(Box::new(move || Ok(call()?.map(|call| call.request)))), PhantomData)
    }

    /// The answer's body and query, once it has come (`None` when there was nothing to
    /// fetch); tracked.
    async fn fetched(self) -> Result<Option<Fetched>, ApiError> {
        self.0.await
    }

    /// The body of a call that is always made, once it has come; tracked.
    pub async fn body(self) -> Result<String, ApiError> {
        Ok(self.0.await?.map(|fetched| fetched.body).unwrap_or_default())
    }

    /// Whether the answer has yet to come (tracked).
    pub fn loading(self) -> bool {
        self.0.with(Option::is_none)
    }

    /// Fetches again.
    pub fn refetch(self) {
        self.0.refetch();
    }
}

impl<T: DeserializeOwned + 'static> Prefetch<T> {
    /// The answer of a call that is always made, read as `T`; tracked.
    pub async fn value(self) -> Result<T, ApiError> {
        decode(&self.body().await?)
    }

    /// The answer read as `T`, with the body as sent; tracked.
    pub async fn value_and_body(self) -> Result<(T, String), ApiError> {
        let body = self.body().await?;
        Ok((decode(&body)?, body))
    }

    /// The answer read as `T`, with its query (`None` when there was nothing to fetch); tracked.
    pub async fn answer(self) -> Result<Option<(T, Query)>, ApiError> {
        match self.fetched().await? {
            Some(Fetched { query, body }) => Ok(Some((decode(&body)?, query))),
            None => Ok(None),
        }
    }
}

fn start_boxed(request: Box<dyn Fn() -> Result<Option<Request>, ApiError> + Send + Sync>) -> Held {
    let client = use_api();
    LocalResource::new(move || {
        let request = request();
        async move {
            match request? {
                Some(request) => {
                    let query = request.query.clone();
                    Ok(Some(Fetched { body: client.send(request).await?, query }))
                }
                None => Ok(None),
            }
        }
    })
}
