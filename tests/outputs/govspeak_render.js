// Render govspeak to HTML with an independent renderer: marked with @x-govuk/marked-govspeak
// (callouts, contact blocks), plus govspeak's table rule, which that package leaves out: a cell
// starting with "# " is a header cell, scope="col" in the table head and scope="row" in the body
// (alphagov/govspeak README, "Tables"). Reads govspeak on stdin, writes the HTML on stdout.
const { marked } = require("marked");
const govspeak = require("@x-govuk/marked-govspeak");

marked.use({ extensions: govspeak });
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
