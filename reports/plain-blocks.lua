-- plain-blocks.lua: write the blocks Quarto has nothing to do with before Quarto's own filters run.
--
-- Quarto runs about seventy filter passes over the whole document for every format it renders, and each pass
-- hands every node of the document to Lua: a technical report's tables and methods text (some 55,000 nodes)
-- cost about 15 CPU-seconds of filters per format. Paragraphs, lists and tables need none of those passes: Quarto
-- leaves them as they are and Pandoc's writer writes them. This filter, placed before Quarto's (at "pre-ast" in
-- _quarto.yml), has Pandoc's writer write them at once, into raw blocks of the output format, so the passes walk
-- a few thousand nodes instead. What stays for Quarto: headings (numbers, the table of contents), divs (code
-- cells, landscape pages), figures and captions.
--
-- * A table captioned "{#tbl-...}" becomes a cross-referenced div (Quarto numbers it and writes the caption as
--   it does for a table), holding the table written without its caption. It gets what Quarto gives a table:
--   in HTML the classes of its rows and caption (Quarto's HTML post-processing adds Bootstrap's from them), in
--   Typst no figure of its own (Quarto's float is the figure).
-- * Consecutive paragraphs and lists are written together, unless they hold an inline Quarto works on (an
--   image, a span such as a shortcode, a citation, a note, a raw inline).
-- * The last paragraph of a figure or table div is its caption: left to Quarto.
-- * Word (DOCX): captioned tables only, without links (a link's target lives in another part of the Word
--   file). Pandoc writes them all in one Word document, with the report's reference document, and each table's
--   XML is taken from it. The cells keep the alignment of their column: Quarto's own rendering gives each cell
--   paragraph of a table inside its float a second, centred alignment, which LibreOffice follows. Quarto parts two
--   tables in a row by an empty paragraph only when it sees them as tables; grdp.report.layout.a4_docx parts
--   every two tables that touch.
--
-- HTML and Typst come out the same as without this filter, Word with the same text and tables
-- (tests/test_plain_blocks.py compares them).

local DOCX = FORMAT == "docx"
if FORMAT ~= "html" and FORMAT ~= "typst" and not DOCX then
  return {}
end

local CAPTION_ID = "^{#(tbl%-[%w%-_]+)}$"

local options = pandoc.WriterOptions({
  html_math_method = PANDOC_WRITER_OPTIONS.html_math_method,
  wrap_text = PANDOC_WRITER_OPTIONS.wrap_text,
  columns = PANDOC_WRITER_OPTIONS.columns,
  reference_doc = PANDOC_WRITER_OPTIONS.reference_doc,
})
local PLACEHOLDER = "grdp-docx-table-"  -- followed by the table's number
local docx_tables = pandoc.List()  -- the Word tables to write, in order; a placeholder stands for each

-- Blocks written by Pandoc's writer, as one raw block; a blank line after it, which ends a Typst paragraph.
local function written(blocks)
  return pandoc.RawBlock(FORMAT, pandoc.write(pandoc.Pandoc(blocks), FORMAT, options) .. "\n")
end

-- Inlines Quarto works on: images (figures), spans (shortcodes such as a page break, classes), citations
-- (cross-references), notes and raw inlines.
local QUARTO_INLINES = {"Image", "Span", "Cite", "Note", "RawInline"}

-- Whether a block holds an inline of one of the types ``kinds``.
local function holds(block, kinds)
  local found = false
  local filter = {}
  for _, kind in ipairs(kinds) do
    filter[kind] = function()
      found = true
    end
  end
  block:walk(filter)
  return found
end

local function is_plain(block)
  local t = block.t
  return not DOCX and (t == "Para" or t == "Plain" or t == "BulletList" or t == "OrderedList")
    and not holds(block, QUARTO_INLINES)
end

-- A table's caption and cross-reference label ("... {#tbl-x}"), the label removed from the caption.
local function caption_and_label(tbl)
  local caption = pandoc.utils.blocks_to_inlines(tbl.caption.long)
  local last = caption[#caption]
  local label = last and last.t == "Str" and last.text:match(CAPTION_ID)
  if not label then
    return caption, nil
  end
  caption:remove(#caption)
  while #caption > 0 and (caption[#caption].t == "Space" or caption[#caption].t == "SoftBreak") do
    caption:remove(#caption)
  end
  return caption, label
end

-- Rows classed as Quarto classes them ("header", then "odd" and "even"): Quarto's HTML post-processing styles
-- the tables whose first row is "odd" (Bootstrap's classes, striped and small in a code cell's output).
local function classed_rows(rows, first)
  for number, row in ipairs(rows) do
    row.classes:insert(number % 2 == 0 and "even" or first)
  end
end

-- The table (its caption removed) in the output format; in Word a placeholder, as the tables are written together
-- (written_docx_tables).
local function written_table(tbl)
  if DOCX then
    docx_tables:insert(tbl)
    return pandoc.RawBlock("openxml", PLACEHOLDER .. #docx_tables)
  end
  if FORMAT == "typst" then
    tbl.classes:insert("typst:no-figure")
  else
    tbl.classes:insert("caption-top")  -- Quarto's place for table captions, on every table
    classed_rows(tbl.head.rows, "header")
    for _, body in ipairs(tbl.bodies) do
      classed_rows(body.body, "odd")
    end
    classed_rows(tbl.foot.rows, "odd")
  end
  return written({tbl})
end

local function table_block(tbl)
  local caption, label = caption_and_label(tbl)
  if DOCX and (not label or holds(tbl, {"Link"})) then
    return tbl
  end
  if not label then
    return written_table(tbl)
  end
  tbl.caption = pandoc.Caption()
  return pandoc.Div({written_table(tbl), pandoc.Para(caption)}, pandoc.Attr(label))
end

local function is_float(div)
  return div.identifier:match("^fig%-") ~= nil or div.identifier:match("^tbl%-") ~= nil
end

local function rewrite(blocks, keep_caption)
  local out = pandoc.Blocks({})
  local run = pandoc.Blocks({})
  local function flush()
    if #run > 0 then
      out:insert(written(run))
      run = pandoc.Blocks({})
    end
  end
  for i, block in ipairs(blocks) do
    if keep_caption and i == #blocks then
      flush()
      out:insert(block)
    elseif block.t == "Table" and not holds(block, QUARTO_INLINES) then
      flush()
      out:insert(table_block(block))
    elseif is_plain(block) then
      run:insert(block)
    elseif block.t == "Div" then
      flush()
      block.content = rewrite(block.content, is_float(block))
      out:insert(block)
    else
      flush()
      out:insert(block)
    end
  end
  flush()
  return out
end

-- The Word tables, written in one document: each table's XML in order, and an empty paragraph after it (a
-- Word table cell, here the one of Quarto's float, ends with a paragraph).
local function written_docx_tables()
  local blocks = pandoc.Blocks({})
  for _, tbl in ipairs(docx_tables) do
    blocks:insert(tbl)
    blocks:insert(pandoc.Para({}))
  end
  local archive = pandoc.zip.Archive(pandoc.write(pandoc.Pandoc(blocks), "docx", options))
  local document
  for _, entry in ipairs(archive.entries) do
    if entry.path == "word/document.xml" then
      document = entry:contents()
    end
  end
  local xml = pandoc.List()
  for table_xml in document:gmatch("<w:tbl>.-</w:tbl>") do  -- Pandoc writes no table inside these tables
    xml:insert(table_xml .. "<w:p/>")
  end
  if #xml ~= #docx_tables then
    error(("plain-blocks.lua: %d tables written to Word, %d read back"):format(#docx_tables, #xml))
  end
  return xml
end

return {
  {
    Pandoc = function(doc)
      doc.blocks = rewrite(doc.blocks, false)
      if #docx_tables > 0 then
        local xml = written_docx_tables()
        doc = doc:walk({
          RawBlock = function(raw)
            if raw.format == "openxml" and raw.text:sub(1, #PLACEHOLDER) == PLACEHOLDER then
              return pandoc.RawBlock("openxml", xml[tonumber(raw.text:sub(#PLACEHOLDER + 1))])
            end
          end,
        })
      end
      return doc
    end,
  },
}
