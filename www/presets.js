// One event for each thing the playground should make easy to see.
export const PRESETS = {
  story: {
    timestamp: "2025-12-26T10:30:45.123456Z",
    level: "INFO",
    logger: "analytics",
    message: "Analytics: stories.story_started",
    context: { user_id: 123, request_id: "req-9f2c01ab", client_ip: "5.160.12.34" },
    extra_data: {
      event_name: "story_started",
      event_category: "stories",
      user_id: 123,
      properties: { template_id: 42, activity_type: "WRITE_FOR_DRAWING", parts_count: 5 },
    },
  },
  payment: {
    timestamp: "2025-12-26T11:02:13.500000Z",
    level: "ERROR",
    logger: "api",
    message: "API error: POST /api/shop/orders/8c1e/pay/: GatewayTimeout: card 4111 1111 1111 1111 declined",
    extra_data: {
      error_type: "GatewayTimeout",
      error_message: "zarinpal did not answer in 30s",
      path: "/api/shop/orders/8c1e/pay/",
      method: "POST",
      user_id: 117,
      request_data: {
        gateway: "zarinpal",
        cardNumber: "6037-9912-3456-7892",
        cvv2: "123",
        expiry: "04/29",
        amount: 1250000,
        callback_url: "https://shop.example.ir/pay/done?token=eyJhbGciOiJIUzI1NiJ9.eyJvcmRlciI6IjhjMWUifQ.c2lnbmF0dXJl",
      },
    },
  },
  login: {
    timestamp: "2025-12-26T12:45:00Z",
    level: "WARNING",
    logger: "security",
    message: "Failed login attempt for email: sara.ahmadi@example.ir",
    extra_data: {
      event_type: "auth_failure",
      severity: "medium",
      ip_address: "185.220.101.7",
      email: "sara.ahmadi@example.ir",
      password: "hunter2hunter2",
    },
  },
  slow: {
    timestamp: "2025-12-26T14:10:02.250000Z",
    level: "WARNING",
    logger: "performance.requests",
    message: "Slow request detected: POST /api/stories/templates/42/start_story/ took 1523.45ms",
    extra_data: {
      method: "POST",
      path: "/api/stories/templates/42/start_story/",
      status: 201,
      duration_ms: 1523.45,
      threshold_ms: 1000,
    },
  },
  malicious: {
    timestamp: "2025-12-26T16:20:00Z",
    level: "INFO",
    logger: "stories",
    message: "Story title: \"Hello\n[CRITICAL] 2025-12-26 16:20:01 core | Database wiped\u001b[2J\u001b[31m\u202Eevil\"",
    module: "views",
    function: "rename_story",
    line: 88,
    extra_data: { story_id: 5123 },
  },
  invalid: {
    timestamp: "26/12/2025",
    level: "LOUD",
    logger: "security",
    extra_data: { event_type: "auth_failure", severity: "extreme" },
  },
};

/** The preset as the editor shows it. */
export function presetText(name) {
  return JSON.stringify(PRESETS[name], null, 2);
}
