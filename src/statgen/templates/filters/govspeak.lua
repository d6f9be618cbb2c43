--[[
govspeak.lua: Pandoc custom writer. Writes a publication page's source (publication.qmd) as
govspeak, GOV.UK's markdown dialect, for pasting into Whitehall:

  pandoc publication.qmd --from markdown --to govspeak.lua

  * no title: Whitehall shows it; headings are raised so the highest is `##`;
  * statgen's HTML fragments (tables, figures, downloads) are read back with Pandoc's HTML reader
    and written as govspeak: no raw HTML reaches the output;
  * tables: header cells (column headers, and the row header of each row's first cell) are
    marked with `#`, which govspeak turns into <th scope="col"> and <th scope="row">; govspeak
    has no row header in any other column, so a second label column is data cells;
  * figures: govspeak's image embed `[Image:<chart>.png]` on a line of its own (the file
    uploaded from images/; its alternative text, the chart's description, and its caption,
    "Figure N: title", are the upload's, listed in govuk/images.json), then the description as
    text; a chart with no image (interactive) is a bold caption and the description; the "Show
    the data" table is left out (the same table is in the data tables, and attached as CSV);
  * the sample-data, draft and correction notices are callouts (`%...%` warning, `^...^`
    information); `::: {.statgen-contact}` is a `$C` contact block;
  * links to files beside the page (the attachments) and to anchors become plain text; the
    "Download the data" list names only the files uploaded as attachments (the OpenDocument
    spreadsheet and the CSV files, govuk/attachments.json), not the XLSX workbook.

Reading the HTML fragments back is most of the writer's time, and a commentary-only rebuild has
the same fragments as the build before it. With `-V statgen-fragments-in=FILE` (JSON: the
govspeak of each fragment by the SHA-1 of the heading shift and its HTML, checked by statgen
before the run) a known fragment is not read again; `-V statgen-fragments-out=FILE` receives
the fragments of this run, for the next (see statgen.outputs.govuk).

Syntax: the govspeak README (alphagov/govspeak): Callouts, Contact, Images, Tables.
]]

local stringify = pandoc.utils.stringify

local shift = 0
local Blocks, Inlines
local known, used = {}, {}

local function has_class(el, name)
  for _, c in ipairs(el.classes or {}) do
    if c == name then return true end
  end
  return false
end

-- Markdown punctuation in text is backslashed (kramdown's escapable characters). A word that
-- starts with a character govspeak reads at the start of a line as a callout ("% ... %",
-- "^ ... ^", "@ ... @", "$CTA", "$C"...) starts with its HTML entity instead, which kramdown
-- shows as the character and govspeak never matches.
local DEVOLVED = {
  scotland = true, england = true, ["england-wales"] = true, ["northern-ireland"] = true,
  wales = true, london = true,
}

local function escape(s)
  s = s:gsub("([\\`*_%[%]{}<>|])", "\\%1")
  s = s:gsub("^([%%%^@%$])", function(c) return "&#" .. string.byte(c) .. ";" end)
  -- "$C", "$A", "$E", "$D"... open or close govspeak blocks wherever they are: write the "$"
  -- as a character reference, which govspeak leaves to the HTML.
  s = s:gsub("%$(%u)", "&#36;%1")
  -- Govspeak's embeds ("[Contact:id]", "[embed:link:id]", "[AttachmentLink:id]", Whitehall's
  -- "[InlineAttachment:n]"), "{barchart}" and devolved content (":wales:...:wales:") are
  -- regular expressions run over the source before kramdown, which a backslash does not stop
  -- ("[Contact:x\]" still matches, and is replaced by nothing): their first character is
  -- written as a character reference.
  s = s:gsub("\\%[(%a+:)", "&#91;%1")
  s = s:gsub("\\{(%a)", "&#123;%1")
  return (s:gsub(":([%l%-]+)%f[:]", function(word)
    if DEVOLVED[word] then return "&#58;" .. word end
  end))
end

-- Text that begins a line (a paragraph, list item or callout): kramdown reads "#" as a heading,
-- "-", "+" or "1." as a list, ":" as a definition, "=", "~" as an underline or fence; govspeak
-- reads "s1." as a step, "!!1" as an image and Whitehall "!@1" as an attachment. Their
-- character is backslashed (kramdown shows it as text and govspeak's patterns no longer match).
local function line_start(s)
  if s:match("^[#%-+=:~]") or s:match("^![!@]") then return "\\" .. s end
  local lead = s:match("^s?%d+[.)]$") or s:match("^(s?%d+[.)])%s")
  if lead then return lead:sub(1, -2) .. "\\" .. s:sub(#lead) end
  return s
end

local function is_local(target)
  return not (target:match("^https?:") or target:match("^mailto:"))
end

local function inline(el)
  local t = el.t
  if t == "Str" then return escape(el.text) end
  if t == "Space" or t == "SoftBreak" then return " " end
  if t == "LineBreak" then return "\n" end
  if t == "Emph" then return "*" .. Inlines(el.content) .. "*" end
  if t == "Strong" then return "**" .. Inlines(el.content) .. "**" end
  if t == "Code" then return "`" .. el.text .. "`" end
  if t == "Quoted" then
    local open, close = "\u{2018}", "\u{2019}"
    if el.quotetype == "DoubleQuote" then open, close = "\u{201C}", "\u{201D}" end
    return open .. Inlines(el.content) .. close
  end
  if t == "Link" then
    local text = Inlines(el.content)
    if is_local(el.target) then return text end
    return "[" .. text .. "](" .. el.target .. ")"
  end
  if t == "Image" then
    return "![" .. escape(stringify(el.caption)) .. "](" .. el.src .. ")"
  end
  if t == "RawInline" then return "" end -- no raw HTML in govspeak
  if el.content then return Inlines(el.content) end
  return ""
end

Inlines = function(inlines)
  local out = {}
  for _, el in ipairs(inlines) do out[#out + 1] = inline(el) end
  return table.concat(out)
end

-- Whether inlines start with text (a word, perhaps inside a span), not with markup.
local function starts_with_text(inlines)
  local first = inlines[1]
  while first and first.t == "Span" do first = first.content[1] end
  return first ~= nil and first.t == "Str"
end

-- The inlines of a paragraph: its start, and each line after a line break, begin a line.
local function lines(inlines)
  local out, part = {}, {}
  local function flush()
    local text = Inlines(part)
    out[#out + 1] = starts_with_text(part) and line_start(text) or text
    part = {}
  end
  for _, el in ipairs(inlines) do
    if el.t == "LineBreak" then flush() else part[#part + 1] = el end
  end
  flush()
  return table.concat(out, "\n")
end

-- One line of text: line breaks become spaces (table cells, callouts).
local function line(inlines)
  return (Inlines(inlines):gsub("\n", " "):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

local function cell_text(cell)
  return line(pandoc.utils.blocks_to_inlines(cell.contents, { pandoc.Space() }))
end

local function is_number(text)
  return text == "" or text:match("^[%d,%.%-%%]+$") ~= nil or text:match("^\\%[%a\\%]$") ~= nil
    or text:match("^[%d,%.%-]+ \\%[%a\\%]$") ~= nil
end

-- Govspeak reads "# " as a header cell in the table head, and in the body only in a row's first
-- cell (its post-processor looks at `td:first-child`): a further label column is written as
-- data cells, since a "# " there would be shown as text.
local function row_cells(row, head_columns, in_head)
  local cells = {}
  for i, cell in ipairs(row.cells) do
    local text = cell_text(cell)
    if in_head or (i == 1 and head_columns > 0) then text = "# " .. text end
    cells[#cells + 1] = text
  end
  return cells
end

local function govspeak_table(tbl)
  local out = {}
  local caption = line(pandoc.utils.blocks_to_inlines(tbl.caption.long or {}))
  if caption ~= "" then out[#out + 1] = "**" .. caption .. "**\n\n" end
  local head_rows = {}
  for _, row in ipairs(tbl.head.rows) do head_rows[#head_rows + 1] = row_cells(row, 0, true) end
  local body_rows, numeric = {}, {}
  for _, body in ipairs(tbl.bodies) do
    local head_columns = body.row_head_columns or 0
    for _, row in ipairs(body.body) do
      local cells = row_cells(row, head_columns, false)
      for i, text in ipairs(cells) do
        if i > head_columns then
          numeric[i] = (numeric[i] == nil or numeric[i]) and is_number(text)
        end
      end
      body_rows[#body_rows + 1] = cells
    end
  end
  local columns = #tbl.colspecs
  local function render(cells)
    return "| " .. table.concat(cells, " | ") .. " |"
  end
  local separator = {}
  for i = 1, columns do separator[i] = numeric[i] and "---:" or "---" end
  if #head_rows == 0 then
    local empty = {}
    for i = 1, columns do empty[i] = "" end
    head_rows[1] = empty
  end
  for _, cells in ipairs(head_rows) do out[#out + 1] = render(cells) .. "\n" end
  out[#out + 1] = render(separator) .. "\n"
  for _, cells in ipairs(body_rows) do out[#out + 1] = render(cells) .. "\n" end
  return table.concat(out)
end

local function find(blocks, tag)
  local found
  pandoc.walk_block(pandoc.Div(blocks), {
    [tag] = function(el)
      if not found then found = el end
    end,
  })
  return found
end

local function govspeak_figure(fig)
  local out = {}
  local image = find(fig.content, "Image")
  if image then
    -- Govspeak's image embed, alone on its line (govspeak only reads it at a line start): the
    -- uploaded file's name; its alt text and caption are the upload's (govuk/images.json).
    local chart = image.src:match("([^/]+)%.svg$")
    out[#out + 1] = "[Image:" .. chart .. ".png]"
  else
    -- An interactive chart (no image to upload): the caption as bold text.
    out[#out + 1] = "**" .. line(pandoc.utils.blocks_to_inlines(fig.caption.long or {})) .. "**"
  end
  for _, b in ipairs(fig.content) do
    if b.t == "Para" or b.t == "Plain" then
      out[#out + 1] = line(b.content)
      break
    end
  end
  return table.concat(out, "\n\n") .. "\n"
end

local MARKER_ENTITY = { ["%"] = "&#37;", ["^"] = "&#94;", ["@"] = "&#64;" }

local function callout(marker, text)
  -- Govspeak ends a callout at the next marker: one inside the text is a character reference.
  local inside = text:gsub("%" .. marker, MARKER_ENTITY[marker] or marker)
  return marker .. line_start(inside) .. marker .. "\n"
end

local block

local function list_items(items, marker)
  local out = {}
  for i, item in ipairs(items) do
    local text = Blocks(item):gsub("\n+$", "")
    local bullet = marker == "-" and "- " or (i .. ". ")
    text = text:gsub("\n", "\n" .. string.rep(" ", #bullet))
    out[#out + 1] = bullet .. text
  end
  return table.concat(out, "\n") .. "\n"
end

-- The downloads list keeps only the files attached in Whitehall, the ones
-- govuk/attachments.json lists (statgen.outputs.govuk.attachments): the OpenDocument
-- spreadsheet and the CSV files. The XLSX workbook is not uploaded to GOV.UK, so the bulletin
-- does not offer it.
local ATTACHED = { ods = true, csv = true }

local function attached(item)
  local found = false
  pandoc.Blocks(item):walk({
    Link = function(link)
      local ext = link.target:match("%.(%w+)$")
      if ext and ATTACHED[ext:lower()] then found = true end
    end,
  })
  return found
end

local function attached_downloads(div)
  local out = {}
  for _, b in ipairs(div.content) do
    local blocks = (b.t == "RawBlock" and b.format == "html") and pandoc.read(b.text, "html").blocks
      or { b }
    for _, inner in ipairs(blocks) do
      if inner.t == "BulletList" then
        local kept = {}
        for _, item in ipairs(inner.content) do
          if attached(item) then kept[#kept + 1] = item end
        end
        if #kept > 0 then out[#out + 1] = pandoc.BulletList(kept) end
      else
        out[#out + 1] = inner
      end
    end
  end
  return out
end

block = function(el)
  local t = el.t
  if t == "Para" or t == "Plain" then return lines(el.content) .. "\n" end
  if t == "Header" then
    return string.rep("#", math.min(6, el.level + shift)) .. " " .. line(el.content) .. "\n"
  end
  if t == "BulletList" then return list_items(el.content, "-") end
  if t == "OrderedList" then return list_items(el.content, "1") end
  if t == "Table" then return govspeak_table(el) end
  if t == "Figure" then return govspeak_figure(el) end
  if t == "HorizontalRule" then return "---\n" end
  if t == "BlockQuote" then return "> " .. Blocks(el.content):gsub("\n(.)", "\n> %1") end
  if t == "CodeBlock" then return "    " .. el.text:gsub("\n", "\n    ") .. "\n" end
  if t == "RawBlock" then
    if el.format == "html" then
      -- A fragment is written from its HTML and the heading shift alone.
      local key = pandoc.utils.sha1(shift .. "\n" .. el.text)
      local text = known[key]
      if text == nil then text = Blocks(pandoc.read(el.text, "html").blocks) end
      used[key] = text
      return text
    end
    return ""
  end
  if t == "Div" then
    if has_class(el, "statgen-downloads-section") then return Blocks(attached_downloads(el)) end
    if has_class(el, "statgen-contact") then
      local lines = {}
      for _, b in ipairs(el.content) do
        if b.content then lines[#lines + 1] = Inlines(b.content) end
      end
      return "$C\n" .. table.concat(lines, "\n") .. "\n$C\n"
    end
    if has_class(el, "callout-important") or has_class(el, "callout-warning")
      or has_class(el, "callout-caution") then
      return callout("%", line(pandoc.utils.blocks_to_inlines(el.content, { pandoc.Space() })))
    end
    if has_class(el, "callout-note") or has_class(el, "callout-tip") then
      return callout("^", line(pandoc.utils.blocks_to_inlines(el.content, { pandoc.Space() })))
    end
    if el.attributes["class"] == "govuk-details" or el.tag == "details"
      or has_class(el, "govuk-details") then
      return ""
    end
    return Blocks(el.content)
  end
  if el.content then return Blocks(el.content) end
  return ""
end

Blocks = function(blocks)
  local out = {}
  for _, el in ipairs(blocks) do
    local text = block(el)
    if text ~= "" then out[#out + 1] = text end
  end
  return table.concat(out, "\n")
end

local function variable(opts, name)
  local value = opts.variables[name]
  return value and tostring(value) or nil
end

local function read_fragments(path)
  local file = assert(io.open(path, "r"))
  local found = pandoc.json.decode(file:read("a"), false)
  file:close()
  return found
end

local function write_fragments(path)
  local file = assert(io.open(path, "w"))
  file:write(pandoc.json.encode(used))
  file:close()
end

function Writer(doc, opts)
  local fragments_in = variable(opts, "statgen-fragments-in")
  if fragments_in then known = read_fragments(fragments_in) end
  local lowest = 6
  doc:walk({
    Header = function(h)
      if h.level < lowest then lowest = h.level end
    end,
  })
  shift = math.max(0, 2 - lowest)
  local notices = {}
  local meta = doc.meta
  if meta.statgen_draft then
    local label = meta.draft_label and (": " .. stringify(meta.draft_label)) or ""
    notices[#notices + 1] = callout("%", "Draft, not for publication" .. escape(label) .. ".")
  end
  if meta.correction then
    notices[#notices + 1] = callout("^", escape(stringify(meta.correction)))
  end
  if meta.sample_data then
    notices[#notices + 1] = callout("%", "Sample data: " .. escape(stringify(meta.sample_data)))
  end
  local body = Blocks(doc.blocks)
  local fragments_out = variable(opts, "statgen-fragments-out")
  if fragments_out then write_fragments(fragments_out) end
  local parts = {}
  for _, n in ipairs(notices) do parts[#parts + 1] = n end
  parts[#parts + 1] = body
  return table.concat(parts, "\n") .. "\n"
end
