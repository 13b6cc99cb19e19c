// The scores table of docs/lighthouse.md, from Lighthouse's JSON reports.
// Usage: node scores.mjs DIR RUNS "Name|/path" ...  (DIR holds Name-1.json … Name-RUNS.json)
// For each page the run with the median performance score is reported.
import { readFileSync } from "node:fs";

const [dir, runs, ...pages] = process.argv.slice(2);
const categories = ["performance", "accessibility", "best-practices", "seo"];
const titles = ["Performance", "Accessibility", "Best practices", "SEO"];
const lines = [
  `| Page | ${titles.join(" | ")} | Performance, every run |`,
  `| --- | ${titles.map(() => "---:").join(" | ")} | ---: |`,
];
const misses = [];
const metrics = [];
for (const entry of pages) {
  const [name, path] = entry.split("|");
  const reports = Array.from({ length: Number(runs) }, (_, i) =>
    JSON.parse(readFileSync(`${dir}/${name}-${i + 1}.json`, "utf8")),
  );
  const perf = (r) => r.categories.performance.score;
  const sorted = [...reports].sort((a, b) => perf(a) - perf(b));
  const report = sorted[Math.floor((sorted.length - 1) / 2)];
  const scores = categories.map((id) => Math.round(report.categories[id].score * 100));
  const every = reports.map((r) => Math.round(perf(r) * 100)).join(", ");
  lines.push(`| ${name} \`${path}\` | ${scores.join(" | ")} | ${every} |`);
  const audit = (id) => report.audits[id]?.displayValue ?? "";
  metrics.push(
    `| ${name} | ${audit("first-contentful-paint")} | ${audit("largest-contentful-paint")} | ${audit("total-blocking-time")} | ${audit("cumulative-layout-shift")} | ${audit("total-byte-weight")} |`,
  );
  for (const id of categories) {
    for (const ref of report.categories[id].auditRefs) {
      const a = report.audits[ref.id];
      if (ref.weight > 0 && a.score !== null && a.score < 1) {
        misses.push(`- ${name}, ${id}: ${a.title}${a.displayValue ? ` (${a.displayValue})` : ""}`);
      }
    }
  }
}
console.log(lines.join("\n"));
console.log("\n| Page | First contentful paint | Largest contentful paint | Total blocking time | Layout shift | Transferred |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
console.log(metrics.join("\n"));
console.log("\n## Audits that did not pass in full\n");
console.log(misses.length ? misses.join("\n") : "None.");
