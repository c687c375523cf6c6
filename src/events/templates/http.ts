// APIG and timer events (shapes: fixtures/events/apig_event.json, timer_event.json).
import { hex, rfc3339 } from '../fresh.js';

// An API Gateway request to the function's API: GET /, a JSON body, fresh request id.
export function apigEvent(_now: Date): unknown {
  return {
    body: '{"name": "fgrun"}',
    requestContext: { apiId: '6f2c0a41d1f44ea4b8d1a43e0cbb9d27', requestId: hex(32), stage: 'RELEASE' },
    queryStringParameters: { responseType: 'json' },
    httpMethod: 'GET',
    pathParameters: {},
    headers: {
      'accept-language': 'en-US,en;q=0.9',
      'accept-encoding': 'gzip, deflate, br',
      'x-forwarded-port': '443',
      'x-forwarded-for': '203.0.113.10',
      accept: 'application/json',
      'upgrade-insecure-requests': '1',
      host: 'api.example.com',
      'x-forwarded-proto': 'https',
      pragma: 'no-cache',
      'cache-control': 'no-cache',
      'x-real-ip': '203.0.113.10',
      'user-agent': 'fgrun-event/1.0',
    },
    path: '/',
    isBase64Encoded: false,
  };
}

// A timer trigger firing now; user_event is the text configured on the trigger.
export function timerEvent(now: Date): unknown {
  return {
    version: 'v1.0',
    time: rfc3339(now),
    trigger_type: 'TIMER',
    trigger_name: 'Timer_fgrun',
    user_event: '{"message": "timer triggered event", "topic": "test"}',
  };
}
