//! The webhooks admin console: a Leptos client-side app that calls EC's Webhooks, Diverted
//! Events and Events APIs.
//!
//! Sliced by feature, over shared layers (ARCHITECTURE.md draws the map):
//! - features, each a folder with its pages, components and plain logic, exporting its
//!   routes: [`connection`], [`webhooks`], [`events`];
//! - shared layers beneath them: [`app`] (the shell, the route assembly under one
//!   `/tenants/:tenant` parent, the lazy routes' preloading), [`api`] (the client, every
//!   call defined once, the session and `config.json`), `widgets` (the widgets two or more
//!   features use) and [`shared`] (plain logic: links and route parameters, formatting,
//!   status, bulk runs).
//!
//! A feature may use the layers beneath it, and `webhooks` shows events with the `events`
//! feature's views; nothing beneath a feature uses it, and no module imports back up.
//! `main.rs` mounts [`App`].

pub mod api;
pub mod app;
pub mod connection;
pub mod events;
pub mod shared;
pub mod webhooks;
mod widgets;

pub use app::App;
