//! `applicationEvents` over WebSocket: a subscriber hears its own tenant's events and no other's.

use std::time::Duration;

use serde_json::{Value, json};
use tungstenite::Message;
use tungstenite::client::IntoClientRequest;

use super::flows::{Flow, form};
use super::server::{Server, servers};

pub type Socket = tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>;

pub fn open(server: &Server, user: &str) -> Socket {
    let (token, _) = server.login(user);
    let mut request = format!("ws://{}/graphql/ws", server.address).into_client_request().expect("request");
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
    let (mut socket, _) = tungstenite::connect(request).expect("websocket");
    // An event that never comes fails the test instead of hanging it.
    if let tungstenite::stream::MaybeTlsStream::Plain(stream) = socket.get_ref() {
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    }
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }));
    assert_eq!(read(&mut socket)["type"], "connection_ack");
    socket
}

pub fn send(socket: &mut Socket, value: Value) {
    socket.send(Message::Text(value.to_string().into())).expect("send");
}

pub fn read(socket: &mut Socket) -> Value {
    loop {
        match socket.read().expect("read") {
            Message::Text(text) => return serde_json::from_str(&text).expect("json"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn subscribers_hear_their_own_tenants_events_only() {
    let server = servers().into_iter().next().expect("a server");
    let mut socket = open(&server, "petugas_layanan@bulukumba");
    let query = "subscription { applicationEvents { tenant kind version step } }";
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }));
    std::thread::sleep(Duration::from_millis(300));

    let mut bulukumba =
        Flow::submit(&server, "bulukumba", "rekomendasi-sktm", form("bulukumba/rekomendasi-sktm"), json!([]));
    Flow::submit(
        &server,
        "tebing-tinggi",
        "surat-keterangan-dtks",
        form("tebing-tinggi/surat-keterangan-dtks"),
        json!([]),
    );
    bulukumba.take("terima");

    let first = read(&mut socket);
    assert_eq!(first["type"], "next", "{first}");
    assert_eq!(
        first["payload"]["data"]["applicationEvents"],
        json!({ "tenant": "bulukumba", "kind": "SUBMITTED", "version": 1, "step": "penerimaan_berkas" })
    );
    let second = read(&mut socket);
    assert_eq!(
        second["payload"]["data"]["applicationEvents"],
        json!({ "tenant": "bulukumba", "kind": "ACTION_TAKEN", "version": 2, "step": "pemeriksaan_kelengkapan" }),
        "Tebing Tinggi's submission is not heard"
    );

    // Another tenant's officer cannot subscribe to Bulukumba.
    let mut other = open(&server, "front_office@tebing-tinggi");
    let query = "subscription { applicationEvents(tenant: \"bulukumba\") { kind } }";
    send(&mut other, json!({ "id": "2", "type": "subscribe", "payload": { "query": query } }));
    let refused = read(&mut other);
    assert_eq!(refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
    assert!(refused["payload"]["data"].is_null());
}
