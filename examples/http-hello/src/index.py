# A FunctionGraph HTTP function: the `bootstrap` file beside src/ starts this web server, which
# listens on 127.0.0.1:8000 as the cloud requires. Run it locally with:
#   npx fgrun invoke examples/http-hello
#   npx fgrun invoke examples/http-hello --event "$(npx fgrun event apig)"
#   npx fgrun matrix examples/http-hello --ignore headers.Date --ignore headers.Server
import json
import os

try:
    from http.server import BaseHTTPRequestHandler, HTTPServer
except ImportError:  # Python 2.7
    from BaseHTTPServer import BaseHTTPRequestHandler, HTTPServer


class Hello(BaseHTTPRequestHandler):
    def reply(self, status, payload):
        data = json.dumps(payload, sort_keys=True).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        print("hello from {0}, request {1}".format(os.environ["RUNTIME_FUNC_NAME"], self.headers["x-cff-request-id"]))
        self.reply(200, {"message": "Hello, world!", "path": self.path})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        print("hello from {0}, {1} bytes posted".format(os.environ["RUNTIME_FUNC_NAME"], len(body)))
        self.reply(200, {"message": "Hello, world!", "path": self.path, "received": body})


if __name__ == "__main__":
    HTTPServer(("127.0.0.1", 8000), Hello).serve_forever()
