//! `webhooks-server`: serve the API, or manage its bearer tokens.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use axum::http::HeaderValue;
use clap::{Parser, Subcommand};
use webhooks_api::TenantLocator;
use webhooks_server::db::Db;
use webhooks_server::delivery::EngineConfig;
use webhooks_server::destination::{self, Destinations};
use webhooks_server::limits::Limits;
use webhooks_server::{auth, demo, retention, AppState, RouterOptions};

/// Reference implementation of the Socotra EC Webhooks API.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API.
    Serve(Box<ServeArgs>),
    /// Issue, list or revoke bearer tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Add many generated webhooks to a tenant (tests, benchmarks, demos of large tenants).
    Seed {
        /// SQLite database file.
        #[arg(long)]
        database: PathBuf,
        /// The tenant to fill.
        #[arg(long)]
        tenant: TenantLocator,
        /// How many webhooks to add.
        #[arg(long)]
        count: u32,
    },
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8081")]
    listen: SocketAddr,
    /// SQLite database file (created if missing).
    #[arg(long, default_value = "data/webhooks.sqlite3")]
    database: PathBuf,
    /// A browser origin allowed to call the API (repeatable); none: same origin only.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    cors_origins: Vec<String>,
    /// Seed the demo tenant (once) and print a dashboard URL that signs in to it.
    #[arg(long)]
    demo: bool,
    /// Where the dashboard is opened, for the URL printed by --demo.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    dashboard_url: String,
    /// Also serve a built dashboard (dist/) from this directory: precompressed .br/.gz,
    /// cache headers, index.html for paths that name no file.
    #[arg(long)]
    static_dir: Option<PathBuf>,
    /// Development routes: POST /dev/{tenantLocator}/events raises an event.
    #[arg(long)]
    dev: bool,
    /// A network deliveries may go to although it is not public, in CIDR notation or one
    /// address (repeatable), e.g. 127.0.0.0/8 and ::1/128 for loopback. Without it, loopback,
    /// private, link-local, shared, unique-local and other non-public addresses are refused.
    #[arg(long = "allow-destination", value_name = "CIDR", value_parser = destination::parse_network)]
    allow_destinations: Vec<ipnet::IpNet>,
    /// Deliveries sent at once, at most.
    #[arg(long, default_value_t = 8)]
    delivery_workers: usize,
    /// Deliveries of one webhook sent at once, at most (a hanging endpoint holds no more workers).
    #[arg(long, default_value_t = 2)]
    delivery_per_webhook: usize,
    /// How long an endpoint may take to answer, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    delivery_timeout_ms: u64,
    /// Deliveries of one tenant sent at once, at most (its hanging endpoints hold no more workers).
    #[arg(long, default_value_t = EngineConfig::default().per_tenant, value_parser = at_least_one())]
    delivery_per_tenant: usize,
    /// Deliveries one tenant may have queued; beyond, an event is stored but not queued.
    #[arg(long, default_value_t = EngineConfig::default().queued_per_tenant)]
    delivery_queue_per_tenant: usize,
    /// How long an alert endpoint may take to answer, in milliseconds (at most the delivery timeout).
    #[arg(long, default_value_t = EngineConfig::default().alert_timeout.as_millis() as u64)]
    alert_timeout_ms: u64,
    /// The shortest wait before a retry, in milliseconds, whatever a strategy says.
    #[arg(long, default_value_t = EngineConfig::default().min_retry_interval.as_millis() as u64)]
    min_retry_interval_ms: u64,
    /// Requests a second the engine sends to one destination host, at most.
    #[arg(long, default_value_t = EngineConfig::default().per_host_per_second)]
    delivery_per_host_per_second: NonZeroU32,
    /// Days an event is kept (unless a diverted event or a queued delivery still names it).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    event_retention_days: u32,
    /// Requests a second each token may send on average (beyond: 429 with Retry-After).
    #[arg(long, default_value_t = NonZeroU32::new(50).expect("non-zero"))]
    rate_limit: NonZeroU32,
    /// Requests a token may send at once before the rate limit applies.
    #[arg(long, default_value_t = NonZeroU32::new(200).expect("non-zero"))]
    rate_burst: NonZeroU32,
    /// Requests without a valid token a second each client address may send on average
    /// (beyond: 429 with Retry-After instead of 401).
    #[arg(long, default_value_t = NonZeroU32::new(10).expect("non-zero"))]
    unauthenticated_rate_limit: NonZeroU32,
    /// Requests without a valid token a client address may send at once before that limit applies.
    #[arg(long, default_value_t = NonZeroU32::new(100).expect("non-zero"))]
    unauthenticated_rate_burst: NonZeroU32,
    /// Webhooks one tenant may have (beyond: 409 on create).
    #[arg(long, default_value_t = Limits::default().webhooks_per_tenant)]
    max_webhooks_per_tenant: usize,
    /// Diverted events one webhook keeps; beyond, the oldest are dropped and counted.
    #[arg(long, default_value_t = EngineConfig::default().diverted_per_webhook)]
    max_diverted_per_webhook: usize,
    /// Requests one token may have in flight (beyond: 429 with Retry-After).
    #[arg(long, default_value_t = Limits::default().in_flight_per_token, value_parser = at_least_one())]
    max_in_flight_per_token: usize,
    /// Requests one tenant's tokens may have in flight together (beyond: 429 with Retry-After).
    #[arg(long, default_value_t = Limits::default().in_flight_per_tenant, value_parser = at_least_one())]
    max_in_flight_per_tenant: usize,
    /// Requests of one tenant that run at once; its others wait (up to 5 s, then 503).
    #[arg(long, default_value_t = Limits::default().running_per_tenant, value_parser = at_least_one())]
    max_running_per_tenant: usize,
    /// Reads of all tenants that run at once (beyond: 503 with Retry-After).
    #[arg(long, default_value_t = Limits::default().reads_running, value_parser = at_least_one())]
    max_reads_running: usize,
    /// Writes of all tenants that run at once (beyond: 503 with Retry-After).
    #[arg(long, default_value_t = Limits::default().writes_running, value_parser = at_least_one())]
    max_writes_running: usize,
    /// Connections open at once, at most (beyond: closed as soon as accepted).
    #[arg(long, default_value_t = RouterOptions::default().max_connections, value_parser = at_least_one())]
    max_connections: usize,
    /// Connections open at once from one client address (an IPv6 client by its /64).
    #[arg(long, default_value_t = RouterOptions::default().max_connections_per_address, value_parser = at_least_one())]
    max_connections_per_address: usize,
    /// Where --demo's webhook receiver listens (its demo webhooks point there).
    #[arg(long, default_value = demo::DEMO_RECEIVER)]
    demo_receiver: SocketAddr,
}

/// A count of places (a semaphore's permits): zero would refuse or hold every request.
fn at_least_one() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::new().range(1..)
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Issue a token; its secret is the last line of standard output.
    Issue {
        /// SQLite database file.
        #[arg(long)]
        database: PathBuf,
        /// The tenant the token may act on.
        #[arg(long)]
        tenant: TenantLocator,
        /// Comma-separated permissions, e.g. webhooks.read,webhooks.list,webhooks.write.
        #[arg(long)]
        grant: String,
        /// A note of what the token is for.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List tokens (never their secrets).
    List {
        /// SQLite database file.
        #[arg(long)]
        database: PathBuf,
    },
    /// Revoke a token by id.
    Revoke {
        /// SQLite database file.
        #[arg(long)]
        database: PathBuf,
        /// The token's id, as `token list` shows it.
        #[arg(long)]
        id: String,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}`: the whole chain on one line, "what failed: why: the cause".
            eprintln!("webhooks-server: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(*args),
        Command::Token(command) => token(command),
        Command::Seed { database, tenant, count } => {
            let now = time::OffsetDateTime::now_utc();
            // Locators from the current time on, after any the tenant already has.
            let first = ulid::Ulid::from_parts(now.unix_timestamp() as u64 * 1000, 0).0;
            open(&database)?
                .blocking(|c| demo::seed_many(c, tenant, count, first, now))
                .with_context(|| format!("cannot add webhooks to tenant {tenant}"))?;
            println!("added {count} webhooks to tenant {tenant}");
            Ok(())
        }
    }
}

fn open(database: &std::path::Path) -> anyhow::Result<Db> {
    Db::open(database).with_context(|| format!("cannot open {}", database.display()))
}

fn token(command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Issue { database, tenant, grant, label } => {
            let grants = auth::parse_grants(&grant)?;
            if grants.is_empty() {
                bail!("give at least one permission with --grant");
            }
            let (id, secret) = open(&database)?
                .blocking(|c| auth::issue(c, tenant, &grants, &label))
                .context("cannot issue the token")?;
            println!("token id {id} for tenant {tenant}");
            println!("{secret}");
        }
        TokenCommand::List { database } => {
            let tokens = open(&database)?.blocking(|c| auth::list(c)).context("cannot list the tokens")?;
            for token in tokens {
                let state = token.revoked_at.map_or("live".to_owned(), |at| format!("revoked {at}"));
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    token.id, token.tenant, token.grants, token.created_at, state, token.label
                );
            }
        }
        TokenCommand::Revoke { database, id } => {
            if !open(&database)?.blocking(|c| auth::revoke(c, &id)).with_context(|| format!("cannot revoke {id}"))? {
                bail!("no live token with id {id}");
            }
            println!("revoked {id}");
        }
    }
    Ok(())
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "webhooks_server=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cors_origins = args
        .cors_origins
        .iter()
        .map(|origin| {
            HeaderValue::from_str(origin).with_context(|| format!("--cors-origin {origin:?} is not a valid origin"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let db = open(&args.database)?;
    if args.demo {
        let now = time::OffsetDateTime::now_utc();
        let token = db
            .blocking(|c| {
                let tenant = demo::seed(c, now)?;
                Ok((tenant, demo::admin_token(c, tenant)?))
            })
            .context("cannot seed the demo tenant")?;
        let (tenant, token) = token;
        println!("Demo tenant {tenant} is ready. Open the dashboard at:");
        println!("  {}/tenants/{tenant}/webhooks#token={token}", args.dashboard_url.trim_end_matches('/'));
    }
    let options = RouterOptions {
        cors_origins,
        static_dir: args.static_dir,
        dev: args.dev,
        max_connections: args.max_connections,
        max_connections_per_address: args.max_connections_per_address,
        ..RouterOptions::default()
    };
    match webhooks_server::raise_open_file_limit() {
        Ok(files) => tracing::info!(files, "open-file limit"),
        Err(error) => tracing::warn!(error = &error as &dyn std::error::Error, "cannot raise the open-file limit"),
    }
    let engine = EngineConfig {
        workers: args.delivery_workers,
        per_webhook: args.delivery_per_webhook,
        timeout: Duration::from_millis(args.delivery_timeout_ms),
        destinations: Destinations::allowing(args.allow_destinations).refusing_own(own_addresses()),
        diverted_per_webhook: args.max_diverted_per_webhook,
        per_tenant: args.delivery_per_tenant,
        queued_per_tenant: args.delivery_queue_per_tenant,
        alert_timeout: Duration::from_millis(args.alert_timeout_ms),
        min_retry_interval: Duration::from_millis(args.min_retry_interval_ms),
        per_host_per_second: args.delivery_per_host_per_second,
        own_address: Some(args.listen),
        ..EngineConfig::default()
    };
    let retention = Duration::from_secs(u64::from(args.event_retention_days) * 86_400);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        tokio::spawn(retention::run(db.clone(), retention));
        let state = AppState::new(db)
            .with_engine(engine)
            .with_rate_limit(args.rate_limit, args.rate_burst)
            .with_unauthenticated_rate_limit(args.unauthenticated_rate_limit, args.unauthenticated_rate_burst)
            .with_limits(Limits {
                webhooks_per_tenant: args.max_webhooks_per_tenant,
                in_flight_per_token: args.max_in_flight_per_token,
                in_flight_per_tenant: args.max_in_flight_per_tenant,
                running_per_tenant: args.max_running_per_tenant,
                reads_running: args.max_reads_running,
                writes_running: args.max_writes_running,
                ..Limits::default()
            });
        if args.demo {
            let receiver = webhooks_server::receiver::start(args.demo_receiver)
                .await
                .with_context(|| format!("cannot start the demo receiver on {}", args.demo_receiver))?;
            println!("Demo webhook receiver on http://{} (/ok, /status/CODE, /hang)", receiver.0);
            tokio::spawn(demo::generate_events(state.clone()));
        }
        println!("Webhooks API listening on http://{}", args.listen);
        webhooks_server::serve(listener, state, &options, shutdown_signal()).await.context("the server stopped")
    })
}

/// The addresses of this host's interfaces (none, logged, when they cannot be read).
fn own_addresses() -> Vec<std::net::IpAddr> {
    match if_addrs::get_if_addrs() {
        Ok(interfaces) => interfaces.into_iter().map(|interface| interface.ip()).collect(),
        Err(error) => {
            tracing::warn!(error = &error as &dyn std::error::Error, "cannot read this host's addresses");
            Vec::new()
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
