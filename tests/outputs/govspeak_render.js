// Render govspeak to HTML with an independent renderer: marked with @x-govuk/marked-govspeak
// (callouts, contact blocks), plus govspeak's table rule, which that package leaves out: a cell
// starting with "# " is a header cell, scope="col" in the table head and scope="row" in the body
// (alphagov/govspeak README, "Tables"), and govspeak's image embed, which it does not know
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

marked.use({ extensions: [image, ...govspeak.map(atLineStart)] });
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
