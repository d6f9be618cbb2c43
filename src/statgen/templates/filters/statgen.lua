--[[
statgen.lua: Pandoc Lua filter for statgen publication pages.

Used by plain Pandoc (`--lua-filter templates/filters/statgen.lua`) and by
Quarto (`filters: [templates/filters/statgen.lua]`). It:

  * turns Quarto-style callouts (`::: {.callout-note}`, `.callout-tip`,
    `.callout-important`, `.callout-warning`, `.callout-caution`, with an
    optional `title` attribute or a leading heading) into GOV.UK inset text
    or GOV.UK warning text;
  * adds `govuk-table` to Pandoc (markdown) tables, `scope="col"` to their
    header cells, and wraps them in a focusable, scrollable
    `.statgen-table-wrapper` region so wide tables never widen the page;
  * wraps top-level bullet and ordered lists in `<div class="statgen-list">`
    so the stylesheet can give them GOV.UK list styles;
  * makes the `jsonld` metadata value safe to print raw inside
    `<script type="application/ld+json">`.

Raw HTML (RawBlock / RawInline, e.g. statgen's table and figure fragments)
is never modified.
]]

local stringify = pandoc.utils.stringify

local function has_class(el, name)
  if not el.classes then return false end
  for _, c in ipairs(el.classes) do
    if c == name then return true end
  end
  return false
end

------------------------------------------------------------------------
-- Callouts
------------------------------------------------------------------------

local INSET = { ["callout-note"] = true, ["callout-tip"] = true }
local WARNING = {
  ["callout-important"] = true,
  ["callout-warning"] = true,
  ["callout-caution"] = true,
}

local function callout_kind(div)
  for _, c in ipairs(div.classes) do
    if INSET[c] then return "inset" end
    if WARNING[c] then return "warning" end
  end
  return nil
end

-- Take the title from the `title` attribute or from a leading heading.
local function take_title(div)
  local title = div.attributes["title"]
  local content = div.content
  if (title == nil or title == "") and #content > 0 and content[1].t == "Header" then
    title = stringify(content[1].content)
    content = pandoc.Blocks({ table.unpack(content, 2) })
  end
  return title, content
end

local function callout(div)
  local kind = callout_kind(div)
  if not kind then return nil end
  local title, content = take_title(div)
  local blocks = pandoc.Blocks({})

  if kind == "inset" then
    if title and title ~= "" then
      blocks:insert(pandoc.Para({ pandoc.Strong(pandoc.Inlines(title)) }))
    end
    blocks:extend(content)
    return pandoc.Div(blocks, pandoc.Attr(div.identifier, { "govuk-inset-text" }))
  end

  -- GOV.UK warning text: "!" icon + bold text, with a visually hidden
  -- "Warning" prefix for screen reader users.
  local prefix = pandoc.Span({ pandoc.Str("Warning: ") },
    pandoc.Attr("", { "govuk-visually-hidden" }))
  local inner = pandoc.Blocks({})
  if title and title ~= "" then
    local heading = pandoc.Inlines({ prefix })
    heading:extend(pandoc.Inlines(title))
    inner:insert(pandoc.Para(heading))
    inner:extend(content)
  else
    local first = content[1]
    if first and (first.t == "Para" or first.t == "Plain") then
      first.content:insert(1, prefix)
      inner:extend(content)
    else
      inner:insert(pandoc.Plain({ prefix }))
      inner:extend(content)
    end
  end
  return pandoc.Div({
    pandoc.RawBlock("html",
      '<span class="govuk-warning-text__icon" aria-hidden="true">!</span>'),
    pandoc.Div(inner, pandoc.Attr("", { "govuk-warning-text__text" })),
  }, pandoc.Attr(div.identifier, { "govuk-warning-text" }))
end

------------------------------------------------------------------------
-- Tables
------------------------------------------------------------------------

local function style_table(tbl)
  if not has_class(tbl, "govuk-table") then
    tbl.classes:insert("govuk-table")
  end
  -- Let the browser size columns (Pandoc sets relative widths for long
  -- separator lines, which squeezes numbers on narrow screens).
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = { spec[1], pandoc.ColWidthDefault }
  end
  for _, row in ipairs(tbl.head.rows) do
    for _, cell in ipairs(row.cells) do
      if cell.attributes["scope"] == nil then
        cell.attributes["scope"] = "col"
      end
    end
  end
  return tbl
end

local table_count = 0

local function wrap_table(tbl)
  table_count = table_count + 1
  local label = stringify(tbl.caption.long or {})
  local attrs = { role = "region", tabindex = "0" }
  if label ~= "" then
    attrs["aria-label"] = label
  else
    attrs["aria-label"] = "Table " .. table_count
  end
  return pandoc.Div({ tbl }, pandoc.Attr("", { "statgen-table-wrapper" }, attrs))
end

------------------------------------------------------------------------
-- Lists
------------------------------------------------------------------------

local function wrap_list(list, modifier)
  return pandoc.Div({ list },
    pandoc.Attr("", { "statgen-list", "statgen-list--" .. modifier }))
end

------------------------------------------------------------------------
-- JSON-LD metadata
------------------------------------------------------------------------

-- Undo Pandoc's "smart" typography, which the markdown reader applies to
-- plain YAML strings.
local function unsmart(s)
  s = s:gsub("\u{201C}", '"'):gsub("\u{201D}", '"')
  s = s:gsub("\u{2018}", "'"):gsub("\u{2019}", "'")
  s = s:gsub("\u{2014}", "---"):gsub("\u{2013}", "--"):gsub("\u{2026}", "...")
  return s
end

local function decode_json(text)
  if type(text) ~= "string" or text == "" then return nil end
  local ok, value = pcall(pandoc.json.decode, text, false)
  if ok and type(value) == "table" then
    local ok2, encoded = pcall(pandoc.json.encode, value)
    if ok2 then return encoded end
  end
  return nil
end

-- Pandoc parses YAML string values as markdown, which curls quotes, turns
-- `@id` into citations and eats backslash escapes. Re-read the front matter
-- of the input file with as few markdown extensions as possible to recover
-- the string as written.
local PLAIN_MARKDOWN = "markdown-smart-citations-all_symbols_escapable"
  .. "-raw_html-raw_tex-tex_math_dollars-tex_math_single_backslash"
  .. "-subscript-superscript-strikeout-emoji-autolink_bare_uris"
  .. "-inline_notes-footnotes-bracketed_spans-native_spans-mark"

local function jsonld_from_source()
  local files = (PANDOC_STATE and PANDOC_STATE.input_files) or {}
  for _, name in ipairs(files) do
    local fh = io.open(name, "r")
    if fh then
      local text = fh:read("a")
      fh:close()
      local front = text:match("^%-%-%-\r?\n.-\r?\n%-%-%-")
        or text:match("^%-%-%-\r?\n.-\r?\n%.%.%.")
      if front then
        local ok, doc = pcall(pandoc.read, front .. "\n", PLAIN_MARKDOWN)
        if ok and doc.meta.jsonld ~= nil then
          return stringify(doc.meta.jsonld)
        end
      end
    end
  end
  return nil
end

local function fix_jsonld(meta)
  local value = meta.jsonld
  if value == nil then return nil end
  local candidates = {}
  local ty = pandoc.utils.type(value)
  if ty == "string" then
    candidates[#candidates + 1] = value
  elseif ty == "Blocks" and #value == 1 and value[1].t == "RawBlock" then
    candidates[#candidates + 1] = value[1].text
  elseif ty == "Inlines" and #value == 1 and value[1].t == "RawInline" then
    candidates[#candidates + 1] = value[1].text
  end
  candidates[#candidates + 1] = function() return jsonld_from_source() end
  candidates[#candidates + 1] = function() return unsmart(stringify(value)) end

  local json
  for _, c in ipairs(candidates) do
    if type(c) == "function" then c = c() end
    json = decode_json(c)
    if json then break end
  end
  if not json then
    io.stderr:write("[statgen.lua] WARNING: jsonld metadata is not valid JSON; "
      .. "it was left out of the page\n")
    meta.jsonld = nil
    return meta
  end
  -- Never let the data close the script element, or keep it open ("<!--<script>"): no "<".
  json = json:gsub("<", "\\u003c")
  meta.jsonld = pandoc.RawBlock("html", json)
  return meta
end

------------------------------------------------------------------------
-- Filter passes
------------------------------------------------------------------------

------------------------------------------------------------------------
-- Links that depend on where the page sits: a link with the class
-- `statgen-releases-link` points at the publication's list of releases
-- (`../index.html` beside a release); a draft sits one folder deeper, where
-- no such list exists, so it points at the reviewers' index instead.
------------------------------------------------------------------------

local function releases_link(doc)
  if not doc.meta.statgen_draft then return nil end
  return doc:walk({
    Link = function(link)
      if has_class(link, "statgen-releases-link") then
        link.target = "../../index.html"
        return link
      end
    end,
  })
end

return {
  -- Pass 0: links whose target depends on draft or release.
  { Pandoc = releases_link },
  -- Pass 1: callouts, table classes and metadata.
  {
    Div = callout,
    Table = style_table,
    Meta = fix_jsonld,
  },
  -- Pass 2 (top-down): wrap tables and top-level lists. Existing
  -- statgen table wrappers are left alone; nested lists are not wrapped.
  {
    traverse = "topdown",
    Div = function(div)
      if has_class(div, "statgen-table-wrapper") or has_class(div, "statgen-list") then
        return nil, false
      end
      return nil
    end,
    Table = function(tbl)
      return wrap_table(tbl), false
    end,
    BulletList = function(list)
      return wrap_list(list, "bullet"), false
    end,
    OrderedList = function(list)
      return wrap_list(list, "number"), false
    end,
    RawBlock = function(el) return nil, false end,
  },
}
