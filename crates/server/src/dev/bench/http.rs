//! A minimal HTTP/1.1 client, for the benchmark and the crash test.

/// One HTTP/1.1 exchange over a fresh TCP connection (`Connection: close`): enough for
/// the benchmark and the crash test to talk to a real server. Returns the status, the
/// session token if one was set, and the body as JSON (Null if empty or not JSON).
pub async fn http(
    addr: &str,
    method: &str,
    path: &str,
    session: Option<&str>,
    body: Option<&serde_json::Value>,
) -> std::io::Result<(u16, Option<String>, serde_json::Value)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nX-Oubli-Request: 1\r\n"
    );
    if let Some(t) = session {
        req.push_str(&format!("Cookie: {}={t}\r\n", crate::auth::COOKIE));
    }
    if body.is_some() {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            payload.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(&payload);
    stream.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await?;
    let text = String::from_utf8_lossy(&buf);
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut token = None;
    let mut chunked = false;
    for line in head.lines().skip(1) {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
        if k == "set-cookie" {
            token = v
                .split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
                .map(|(_, t)| t.to_string())
                .filter(|t| !t.is_empty());
        }
        if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
            chunked = true;
        }
    }
    let body = if chunked {
        let mut out = String::new();
        let mut r = rest;
        while let Some((size, tail)) = r.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 || tail.len() < n {
                break;
            }
            out.push_str(&tail[..n]);
            r = tail[n..].trim_start_matches("\r\n");
        }
        out
    } else {
        rest.to_string()
    };
    Ok((
        status,
        token,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    ))
}

/// Logs in over HTTP; returns the session token.
pub async fn login(addr: &str, email: &str, password: &str) -> std::io::Result<String> {
    let (status, token, _) = http(
        addr,
        "POST",
        "/api/v1/session",
        None,
        Some(&serde_json::json!({"email": email, "password": password})),
    )
    .await?;
    token
        .filter(|_| status == 200)
        .ok_or_else(|| std::io::Error::other(format!("login answered {status}")))
}
