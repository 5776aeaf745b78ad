import { entryStanding, summaryRows, type Timeline } from './timeline.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * The timeline as one self-contained UTF-8 HTML page (no script, no external file): what an
 * auditor opens in any browser without the system.
 * @example await writeFile('timeline.html', renderTimelineHtml(timeline))
 */
export function renderTimelineHtml(t: Timeline): string {
  const summary = summaryRows(t)
    .map(([label, value]) => `<tr><th>${escape(label)}</th><td>${escape(value)}</td></tr>`)
    .join('\n');
  const badRevision = t.chain.ok ? -1 : t.chain.firstBad.revision;
  const entries = t.entries
    .map(
      (e) => `<li${e.revision === badRevision ? ' class="bad"' : ''}>
  <div class="head"><span class="rev">#${e.revision}</span> <time>${escape(e.when)}</time> <span class="who">${escape(e.who)}</span> <strong>${escape(e.name)}</strong> <span class="type">${escape(e.type)}</span></div>
  <p>${escape(e.words)}</p>
  <p class="standing">${escape(entryStanding(t, e))}</p>
  <p class="hash">hash ${escape(e.hash)}</p>
</li>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${t.words.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t.words.title)} ${escape(t.registrationNumber ?? t.caseId)}</title>
<style>
body { font-family: "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.6; }
h1 { font-size: 1.5em; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { text-align: left; vertical-align: top; padding: .25em .75em .25em 0; }
th { white-space: nowrap; color: #555; font-weight: normal; }
ol { list-style: none; padding: 0; }
li { border-top: 1px solid #ddd; padding: .5em 0; }
li.bad { background: #fee; }
.rev, .type, .hash { color: #777; font-size: .85em; }
.hash { font-family: monospace; word-break: break-all; }
.standing { color: #036; }
footer { margin-top: 2em; color: #555; font-size: .9em; }
</style>
</head>
<body>
<h1>${escape(t.words.title)}</h1>
<table>
${summary}
</table>
<ol>
${entries}
</ol>
<footer>${escape(t.words.howToVerify)}</footer>
</body>
</html>
`;
}
