import { createDb } from "/work/wt/results/db/client";
import { governmentOverview } from "/work/wt/results/app/models/pledges/overview.server";
const db = createDb("/tmp/bench.sqlite");
const ts=[]; for (let i=0;i<20;i++){const a=performance.now(); await governmentOverview(db, "2026-11"); ts.push(performance.now()-a);} ts.sort((a,b)=>a-b); console.log("overview median", ts[10]!.toFixed(1), "min", ts[0]!.toFixed(1));
await db.destroy();
