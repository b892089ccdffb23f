// The bare Remix reference's server: express + @remix-run/express, as the product's server.ts.
// `node server.mjs` after `npx remix build` in this folder; PORT=0 prints the port it got.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import express from "express";

const here = path.dirname(fileURLToPath(import.meta.url));
const build = await import(path.join(here, "build/index.js"));
const app = express();
app.disable("x-powered-by");
app.use("/build", express.static(path.join(here, "public/build"), { immutable: true, maxAge: "1y" }));
app.all("*", createRequestHandler({ build, mode: "production" }));
const server = app.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening on http://localhost:${server.address().port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
