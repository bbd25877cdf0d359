//! Subscriptions over WebSocket (graphql-transport-ws or graphql-ws). The credentials come in the
//! `connection_init` payload as `{ "Authorization": "Bearer …" }`; a connection whose credentials cannot be
//! checked (the database is down) is refused.

use axum::extract::State;
use axum::http::HeaderMap;

use crate::AppState;
use crate::caller::Caller;

pub async fn graphql_ws(
    State(state): State<AppState>,
    protocol: async_graphql_axum::GraphQLProtocol,
    upgrade: axum::extract::ws::WebSocketUpgrade,
) -> axum::response::Response {
    upgrade.protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS).on_upgrade(move |stream| {
        let shared = state.shared.clone();
        async_graphql_axum::GraphQLWebSocket::new(stream, state.schema.clone(), protocol)
            .on_connection_init(move |payload| async move {
                let mut headers = HeaderMap::new();
                if let Some(value) = payload.get("Authorization").and_then(|v| v.as_str())
                    && let Ok(value) = value.parse()
                {
                    headers.insert(axum::http::header::AUTHORIZATION, value);
                }
                let caller = Caller::authenticate(&shared, &headers).await.map_err(async_graphql::Error::from)?;
                let mut data = async_graphql::Data::default();
                data.insert(caller);
                Ok(data)
            })
            .serve()
    })
}
