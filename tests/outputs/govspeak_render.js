// Render govspeak to HTML with an independent renderer: marked with @x-govuk/marked-govspeak
// (callouts, contact blocks), plus govspeak's table rule, which that package leaves out
// (alphagov/govspeak README, "Tables", and lib/govspeak/post_processor.rb, "Add table headers
// and row / column scopes"): in the table head, every cell is a th with scope="col" and a
// leading "# " removed; in the body, only the first cell of a row is read, and when it is "#"
// or starts with "# " it becomes a th with scope="row" (a "# " in any other cell stays text),
// and govspeak's image embed, which it does not know
// either: `[Image:<id>]` at the start of a line is the image of that id in govspeak's `images`
// option, read here from the JSON file named as the first argument (govuk/images.json), and
// rendered as govspeak renders it (its test/govspeak_images_test.rb): <figure class="image
// embedded"><div class="img"><img src alt></div><figcaption><p>caption</p></figcaption></figure>,
// nothing for an unknown id. Reads govspeak on stdin, writes the HTML on stdout.
const fs = require("fs");
const { marked } = require("marked");
const govspeak = require("@x-govuk/marked-govspeak");

const images = process.argv[2] ? JSON.parse(fs.readFileSync(process.argv[2], "utf8")) : [];

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const image = {
  name: "govspeakImage",
  level: "block",
  start(src) {
    const match = src.match(/(^|\n)\[Image:/);
    return match ? match.index + match[1].length : undefined;
  },
  tokenizer(src) {
    // govspeak: extension("Image", /^\[Image:\s*(.*?)\s*\]/), the rest of the line is text.
    const match = /^\[Image:\s*(.*?)\s*\][ \t]*(?:\n|$)/.exec(src);
    if (match) return { type: "govspeakImage", raw: match[0], id: match[1] };
    return undefined;
  },
  renderer(token) {
    const found = images.find((i) => i.id === token.id);
    if (!found) return "";
    const caption = (found.caption || "").trim()
      ? `\n<figcaption><p>${escapeHtml(found.caption)}</p></figcaption>`
      : "";
    return `<figure class="image embedded"><div class="img"><img src="${escapeHtml(found.url)}" alt="${escapeHtml(found.alt_text)}"></div>${caption}</figure>\n`;
  },
};

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

let column = 0; // the cell's column in its row (marked renders a row's cells, then the row)

marked.use({ extensions: [image, ...govspeak.map(atLineStart)] });
marked.use({
  renderer: {
    tablerow(content) {
      column = 0;
      return `<tr>\n${content}</tr>\n`;
    },
    tablecell(content, flags) {
      const align = flags.align ? ` style="text-align: ${flags.align}"` : "";
      const first = column === 0;
      column += 1;
      if (flags.header) {
        const text = content.replace(/^# /, "");
        if (text.trim() === "") return `<td${align}></td>\n`;
        return `<th scope="col"${align}>${text}</th>\n`;
      }
      if (first && /^#($|\s)/.test(content)) {
        const text = content.replace(/^#($|\s)/, "");
        if (text !== "") return `<th scope="row"${align}>${text}</th>\n`;
      }
      return `<td${align}>${content}</td>\n`;
    },
  },
});

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => process.stdout.write(marked.parse(input)));
