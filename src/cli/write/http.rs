//! The HTTP ingest: `POST /v1/events`, `GET /healthz`, `GET /metrics`.
//!
//! A request's events are admitted one by one, queued, and the answer waits
//! until the writer has written them (synced, with `fsync = "always"`), so
//! a 200 means the accepted events are in their files. The answer lists a
//! result per event in body order:
//! `{"index":0,"status":"accepted"}` or
//! `{"index":1,"status":"rejected","violations":[{"pointer":..,"code":..,"message":..}]}`.

use std::future::Future;
use std::io::{self, Read};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use barg::Timestamp;
use flate2::read::MultiGzDecoder;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot, watch};
use tokio::time::{Instant, Sleep};

use super::config::Http;
use super::pipeline::{Admitted, Frame, Lines};
use super::writer::Item;
use super::{Ingest, diag};

/// A request's `Origin` against the CORS allowlist.
enum Origin {
    /// Not a browser's cross-origin request.
    None,
    /// From an allowed origin: answered with it.
    Allowed(HeaderValue),
    /// From any other origin.
    Refused,
}

fn refused() -> Response {
    problem(StatusCode::FORBIDDEN, "this origin is not allowed")
}

struct Service {
    ingest: Arc<Ingest>,
    token: Option<String>,
    cors: Vec<String>,
    max_body_bytes: usize,
    timeout: Duration,
}

/// Binds `addr` and serves until `stopped` turns true; the task ends when
/// the requests in flight are answered.
pub async fn start(
    addr: &str,
    config: &Http,
    ingest: Arc<Ingest>,
    mut stopped: watch::Receiver<bool>,
) -> Result<tokio::task::JoinHandle<()>, String> {
    let addr: SocketAddr = addr
        .parse()
        .map_err(|_| format!("http.listen: {addr:?} is not IP:PORT"))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot serve HTTP on {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let service = Arc::new(Service {
        ingest,
        token: config.token.clone(),
        cors: config.cors.clone(),
        max_body_bytes: config.max_body_bytes,
        timeout: Duration::from_millis(config.timeout_ms),
    });
    let listener = BoundedListener {
        inner: listener,
        permits: Arc::new(Semaphore::new(config.max_connections)),
        idle: Duration::from_millis(config.timeout_ms),
    };
    let app = Router::new()
        .route("/v1/events", post(events).options(preflight))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(service);
    diag::info(&format!("listening on http://{bound}"));
    let app = app.into_make_service_with_connect_info::<Waiting>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    });
    Ok(tokio::spawn(async move {
        if let Err(error) = server.await {
            diag::error(&format!("HTTP server: {error}"));
        }
    }))
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn metrics(State(service): State<Arc<Service>>, headers: HeaderMap) -> Response {
    if !service.authorized(&headers, None) {
        return unauthorized();
    }
    let queue = &service.ingest.queue;
    let capacity = queue.max_capacity();
    let text = service
        .ingest
        .metrics
        .prometheus(capacity - queue.capacity(), capacity);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

async fn preflight(State(service): State<Arc<Service>>, headers: HeaderMap) -> Response {
    match service.origin(&headers) {
        Origin::Allowed(origin) => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            let h = response.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("POST"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("authorization, content-type, content-encoding"),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
            h.insert(header::VARY, HeaderValue::from_static("origin"));
            response
        }
        Origin::None => StatusCode::NO_CONTENT.into_response(),
        Origin::Refused => refused(),
    }
}

/// The query of `POST /v1/events`: a beacon cannot send an Authorization
/// header, so the token may come as `?token=` instead.
#[derive(serde::Deserialize)]
struct EventsQuery {
    token: Option<String>,
}

async fn events(
    State(service): State<Arc<Service>>,
    ConnectInfo(waiting): ConnectInfo<Waiting>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let origin = match service.origin(&headers) {
        Origin::None => None,
        Origin::Allowed(origin) => Some(origin),
        Origin::Refused => return refused(),
    };
    let mut response = if service.authorized(&headers, query.token.as_deref()) {
        service.take_events(&headers, body, &waiting).await
    } else {
        unauthorized()
    };
    if let Some(origin) = origin {
        response
            .headers_mut()
            .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("origin"));
        // A page's retry must be able to read when to come back.
        response.headers_mut().insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("retry-after"),
        );
    }
    response
}

impl Service {
    async fn take_events(&self, headers: &HeaderMap, body: Body, waiting: &Waiting) -> Response {
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > self.max_body_bytes as u64) {
            return too_large(self.max_body_bytes);
        }
        let read = axum::body::to_bytes(body, self.max_body_bytes);
        let bytes = match tokio::time::timeout(self.timeout, read).await {
            Err(_) => {
                return problem(
                    StatusCode::REQUEST_TIMEOUT,
                    "the body did not arrive in time",
                );
            }
            Ok(Err(error)) => {
                let over = std::error::Error::source(&error)
                    .is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
                    || error.into_inner().is::<http_body_util::LengthLimitError>();
                return if over {
                    too_large(self.max_body_bytes)
                } else {
                    problem(StatusCode::BAD_REQUEST, "the body could not be read")
                };
            }
            Ok(Ok(bytes)) => bytes,
        };
        let bytes = match decoded(headers, bytes, self.max_body_bytes) {
            Ok(bytes) => bytes,
            Err(undecodable) => return undecodable.into_response(self.max_body_bytes),
        };
        // From here the request waits for the writer, not for its client.
        let _waiting = waiting.hold();
        let received = Timestamp::now();
        let items = self.admit_body(&bytes, received);
        let results: Vec<serde_json::Value> = items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Ok(_) => json!({"index": index, "status": "accepted"}),
                Err(rejected) => json!({
                    "index": index,
                    "status": "rejected",
                    "violations": rejected.violations,
                }),
            })
            .collect();
        let accepted = items.iter().filter(|item| item.is_ok()).count();
        let rejected = items.len() - accepted;
        if self.ingest.send(items).await.is_err() {
            return stopping();
        }
        let (written, answer) = oneshot::channel();
        if self.ingest.queue.send(Item::Ack(written)).await.is_err() {
            return stopping();
        }
        match answer.await {
            Ok(true) => {}
            Ok(false) => return not_written(),
            Err(_) => return stopping(),
        }
        let body = json!({"accepted": accepted, "rejected": rejected, "results": results});
        (StatusCode::OK, axum::Json(body)).into_response()
    }

    /// A JSON array of events, or NDJSON. Each item of an array is read by
    /// itself, as a line is: one that is not JSON, or a place in the array
    /// that holds no item, is rejected alone.
    fn admit_body(&self, bytes: &[u8], received: Timestamp) -> Vec<Admitted> {
        // A body read from a file may start with a byte-order mark, which
        // `Lines` skips for NDJSON.
        let mut items = Vec::new();
        if let Some(array) = barg::json_array_items(barg::without_byte_order_mark(bytes)) {
            for item in array {
                items.push(match item {
                    Ok(text) => self.ingest.admit(Frame::Line(text), received, "http"),
                    Err(error) => Err(self.ingest.admission.not_json(
                        error.text(),
                        &error.to_string(),
                        received,
                        "http",
                    )),
                });
            }
        } else {
            let mut lines = Lines::new(self.ingest.admission.max_line_bytes);
            let mut each =
                |frame: Frame<'_>| items.push(self.ingest.admit(frame, received, "http"));
            lines.push(bytes, &mut each);
            lines.finish(&mut each);
        }
        items
    }

    /// Whether the request carries the token, when one is required: as
    /// `Authorization: Bearer`, or as `?token=` (`query`) where allowed.
    fn authorized(&self, headers: &HeaderMap, query: Option<&str>) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        let Some(given) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| bearer_token(v.as_bytes()))
            .or(query.map(str::as_bytes))
        else {
            return false;
        };
        // Compare in time independent of where the first difference is.
        given.len() == token.len()
            && given
                .iter()
                .zip(token.as_bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }

    /// The request's origin when it is allowed, none when there is none;
    /// a browser request from elsewhere is refused.
    fn origin(&self, headers: &HeaderMap) -> Origin {
        match headers.get(header::ORIGIN) {
            None => Origin::None,
            Some(origin)
                if self
                    .cors
                    .iter()
                    .any(|allowed| allowed.as_bytes() == origin.as_bytes()) =>
            {
                Origin::Allowed(origin.clone())
            }
            Some(_) => Origin::Refused,
        }
    }
}

/// The token of an `Authorization: Bearer` value; the scheme's name is
/// case-insensitive (RFC 9110, 11.1).
fn bearer_token(value: &[u8]) -> Option<&[u8]> {
    let (scheme, token) = value.split_at_checked(b"Bearer ".len())?;
    scheme.eq_ignore_ascii_case(b"Bearer ").then_some(token)
}

fn problem(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({"error": message}))).into_response()
}

fn unauthorized() -> Response {
    let mut response = problem(StatusCode::UNAUTHORIZED, "a valid bearer token is required");
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

/// A writer on its way out; a restarted one will take the retry.
fn stopping() -> Response {
    unavailable("the writer is stopping")
}

/// The events were taken but could not be written (or synced) to disk:
/// nothing unwritten is acknowledged, so the client may send them again.
fn not_written() -> Response {
    unavailable("the events could not be written to disk")
}

/// A 503 that asks the client to come back in a second.
fn unavailable(message: &str) -> Response {
    let mut response = problem(StatusCode::SERVICE_UNAVAILABLE, message);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Why a body could not be taken as its `Content-Encoding` says it is.
enum Undecodable {
    /// An encoding other than identity and gzip.
    Unsupported(String),
    /// More than the limit once inflated.
    TooLarge,
    /// Said to be gzip, and is not.
    NotGzip(io::Error),
}

impl Undecodable {
    fn into_response(self, limit: usize) -> Response {
        match self {
            Undecodable::Unsupported(encoding) => {
                let mut response = problem(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    &format!(
                        "content-encoding {encoding:?} is not supported: send the body as it is, or as gzip"
                    ),
                );
                // What to send instead (RFC 9110, section 15.5.16).
                response
                    .headers_mut()
                    .insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
                response
            }
            Undecodable::TooLarge => problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("the body is over the limit of {limit} bytes once inflated"),
            ),
            Undecodable::NotGzip(error) => problem(
                StatusCode::BAD_REQUEST,
                &format!("the body is not gzip: {error}"),
            ),
        }
    }
}

/// The body as sent, or inflated when `Content-Encoding: gzip` says it is
/// compressed (as a page's `CompressionStream("gzip")` sends it). The limit
/// holds after inflating too, so a small body that would inflate to
/// gigabytes is refused as too large, having cost at most the limit.
fn decoded(headers: &HeaderMap, body: Bytes, limit: usize) -> Result<Bytes, Undecodable> {
    let Some(encoding) = headers.get(header::CONTENT_ENCODING) else {
        return Ok(body);
    };
    let encoding = String::from_utf8_lossy(encoding.as_bytes());
    let encoding = encoding.trim();
    if encoding.eq_ignore_ascii_case("identity") {
        return Ok(body);
    }
    if !encoding.eq_ignore_ascii_case("gzip") && !encoding.eq_ignore_ascii_case("x-gzip") {
        return Err(Undecodable::Unsupported(encoding.to_owned()));
    }
    // No bytes hold no events, whatever they were said to be compressed
    // with: as a body without the header.
    if body.is_empty() {
        return Ok(body);
    }
    let mut inflated = Vec::new();
    // One byte past the limit tells a body at the limit from one over it.
    let mut reader = MultiGzDecoder::new(&body[..]).take(limit as u64 + 1);
    match reader.read_to_end(&mut inflated) {
        Ok(_) if inflated.len() > limit => Err(Undecodable::TooLarge),
        Ok(_) => Ok(inflated.into()),
        Err(error) => Err(Undecodable::NotGzip(error)),
    }
}

fn too_large(limit: usize) -> Response {
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!("the body is over the limit of {limit} bytes"),
    )
}

/// Accepts at most `permits` connections at once: past that, new ones wait
/// in the kernel's backlog until one closes.
struct BoundedListener {
    inner: TcpListener,
    permits: Arc<Semaphore>,
    idle: Duration,
}

impl axum::serve::Listener for BoundedListener {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Connection, SocketAddr) {
        loop {
            let Ok(permit) = self.permits.clone().acquire_owned().await else {
                // The semaphore is never closed; should it be, accept nothing.
                return std::future::pending().await;
            };
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let connection = Connection {
                        stream,
                        _permit: permit,
                        idle: self.idle,
                        deadline: Box::pin(tokio::time::sleep(self.idle)),
                        waiting: Waiting::default(),
                    };
                    return (connection, addr);
                }
                Err(error) => {
                    diag::error(&format!("accepting an HTTP client: {error}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// An accepted connection: holds its permit, and is closed when no byte
/// moves either way for `idle` (a slow or silent client), unless one of its
/// requests is waiting for the writer: its events may be written, and the
/// client must hear so.
struct Connection {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
    waiting: Waiting,
}

/// How many requests of one connection wait for the writer (their events
/// admitted, not yet answered).
#[derive(Clone, Default)]
struct Waiting(Arc<AtomicUsize>);

/// One request's wait, counted until dropped.
struct Held(Arc<AtomicUsize>);

impl Waiting {
    fn hold(&self) -> Held {
        self.0.fetch_add(1, Relaxed);
        Held(self.0.clone())
    }

    fn any(&self) -> bool {
        self.0.load(Relaxed) > 0
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Relaxed);
    }
}

/// A request's handler gets its connection's count.
impl Connected<axum::serve::IncomingStream<'_, BoundedListener>> for Waiting {
    fn connect_info(stream: axum::serve::IncomingStream<'_, BoundedListener>) -> Waiting {
        stream.io().waiting.clone()
    }
}

impl Connection {
    /// Passes on a poll's result, restarting the idle clock on progress and
    /// failing the connection once the clock runs out.
    fn watch<T>(
        &mut self,
        polled: Poll<io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<T>> {
        match polled {
            Poll::Ready(result) => {
                let next = Instant::now() + self.idle;
                self.deadline.as_mut().reset(next);
                Poll::Ready(result)
            }
            Poll::Pending => loop {
                match self.deadline.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(()) if self.waiting.any() => {
                        let next = Instant::now() + self.idle;
                        self.deadline.as_mut().reset(next);
                    }
                    Poll::Ready(()) => {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "the client was idle too long",
                        )));
                    }
                }
            },
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        this.watch(polled, cx)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.watch(polled, cx)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
