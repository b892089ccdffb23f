// The bare node:http reference of `npm run bench`: GET / answers a small fixed HTML page; POST
// /submit parses the urlencoded form, runs one better-sqlite3 insert prepared once, redirects 303.
import http from "node:http";
import Database from "better-sqlite3";

const db = new Database(process.env.BENCH_REF_DB ?? ":memory:");
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec(
  "create table if not exists bench_rows (id integer primary key, value text not null, at text not null)",
);
const insert = db.prepare("insert into bench_rows (value, at) values (?, ?)");
const page = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Bare page</title></head><body><main><h1>How was our service today?</h1><form method="post" action="/submit">${["Overall", "Courtesy", "Waiting time", "Clarity"].map((q) => `<fieldset><legend>${q}</legend>${[1, 2, 3, 4, 5].map((n) => `<label><input type="radio" name="${q}" value="${n}">${n}</label>`).join("")}</fieldset>`).join("")}<button>Send</button></form></main></body></html>`;

const server = http.createServer((req, res) => {
  if (req.method === "POST" && req.url === "/submit") {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      insert.run(form.get("value") ?? "", new Date().toISOString());
      res.writeHead(303, { location: "/" });
      res.end();
    });
    return;
  }
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(page);
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening on http://localhost:${server.address().port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
