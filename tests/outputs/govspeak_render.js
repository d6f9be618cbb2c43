// Render govspeak to HTML with an independent renderer: marked with @x-govuk/marked-govspeak
// (callouts, contact blocks), plus govspeak's table rule, which that package leaves out: a cell
// starting with "# " is a header cell, scope="col" in the table head and scope="row" in the body
// (alphagov/govspeak README, "Tables"). Reads govspeak on stdin, writes the HTML on stdout.
const { marked } = require("marked");
const govspeak = require("@x-govuk/marked-govspeak");

// Govspeak opens a block (callout, contact...) only at the start of a line; marked-govspeak's
// start() finds a marker anywhere ("26.6%) were ..."), so only line starts are offered to it.
function atLineStart(ext) {
  if (ext.level !== "block" || !ext.start) return ext;
  const start = ext.start;
  return {
    ...ext,
    start(src) {
      let offset = 0;
      for (;;) {
        const i = start.call(this, src.slice(offset));
        if (i === undefined || i < 0) return undefined;
        const at = offset + i;
        if (at === 0 || src[at - 1] === "\n") return at;
        offset = at + 1;
      }
    },
  };
}

marked.use({ extensions: govspeak.map(atLineStart) });
marked.use({
  renderer: {
    tablecell(content, flags) {
      const align = flags.align ? ` style="text-align: ${flags.align}"` : "";
      if (content.startsWith("# ") || content === "#") {
        const scope = flags.header ? "col" : "row";
        return `<th scope="${scope}"${align}>${content.replace(/^#\s?/, "")}</th>\n`;
      }
      const tag = flags.header ? "td" : "td";
      return `<${tag}${align}>${content}</${tag}>\n`;
    },
  },
});

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => process.stdout.write(marked.parse(input)));
