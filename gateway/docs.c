/* /v1/openapi.json and /docs. The document is generated from api/openapi.yaml at build time
 * (scripts/openapi_embed.py); the page is static HTML with a little inline JS and CSS that renders it
 * in the browser. Nothing here reads files or touches the network at run time. */
#include "docs.h"

#include <stddef.h>

/* Defined in the generated build/gen/openapi_doc.c (NUL-terminated; len excludes the NUL). */
extern const char openapi_json[];
extern const size_t openapi_json_len;

/* The page builds its DOM with textContent only, so nothing in the document can inject markup. */
static const char docs_page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>API documentation</title>\n"
    "<style>\n"
    "body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0;color:#1d2330;"
    "background:#f6f7f9;line-height:1.45}\n"
    "header{background:#1d2330;color:#fff;padding:18px 28px}header h1{margin:0;font-size:22px}\n"
    "header .ver{opacity:.75;font-size:14px;margin-top:4px}\n"
    "main{max-width:1100px;margin:0 auto;padding:18px 28px}\n"
    ".desc{white-space:pre-wrap;background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px;"
    "font-size:14px}\n"
    "h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #dde1e7;padding-bottom:4px}\n"
    "details{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:6px 0}\n"
    "summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:center;font-size:14px}\n"
    ".m{font-weight:700;font-size:12px;color:#fff;border-radius:4px;padding:2px 0;width:64px;"
    "text-align:center;flex:none}\n"
    ".GET{background:#2f7dd1}.POST{background:#2e9b5f}.PATCH{background:#c78b12}.PUT{background:#8a5cc2}"
    ".DELETE{background:#c9413b}.HEAD{background:#5c6773}.OPTIONS{background:#5c6773}\n"
    ".p{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;word-break:break-all}\n"
    ".s{color:#5c6773}\n"
    ".body{padding:4px 16px 14px;font-size:14px}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0 10px;font-size:13px}\n"
    "th,td{border:1px solid #e3e6ea;padding:4px 8px;text-align:left;vertical-align:top}\n"
    "th{background:#f0f2f5}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}\n"
    "h4{margin:12px 0 2px;font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#5c6773}\n"
    "#err{color:#c9413b}\n"
    "</style></head>\n"
    "<body><header><h1 id=\"title\">API documentation</h1><div class=\"ver\" id=\"ver\"></div></header>\n"
    "<main><div id=\"err\"></div><div class=\"desc\" id=\"desc\" hidden></div><div id=\"paths\"></div></main>\n"
    "<script>\n"
    "(function(){\n"
    "'use strict';\n"
    "var METHODS=['get','head','post','put','patch','delete','options'];\n"
    "function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;"
    "if(text!==undefined&&text!==null)e.textContent=String(text);return e;}\n"
    "function resolve(doc,o){var seen=0;while(o&&typeof o.$ref==='string'&&o.$ref.indexOf('#/')===0&&seen<20){"
    "var parts=o.$ref.slice(2).split('/'),cur=doc;for(var i=0;i<parts.length&&cur;i++){"
    "cur=cur[parts[i].replace(/~1/g,'/').replace(/~0/g,'~')];}o=cur;seen++;}return o||{};}\n"
    "function typeOf(doc,s){s=resolve(doc,s||{});if(s.type==='array')return 'array of '+typeOf(doc,s.items);"
    "var t=Array.isArray(s.type)?s.type.join(' | '):(s.type||'');if(s.format)t+=' ('+s.format+')';"
    "if(s.enum)t+=' one of '+s.enum.join(', ');if(s.const!==undefined)t+=' = '+s.const;return t||'object';}\n"
    "function table(heads,rows){var t=el('table'),tr=el('tr');heads.forEach(function(h){tr.appendChild(el('th',null,h));});"
    "t.appendChild(tr);rows.forEach(function(r){var row=el('tr');r.forEach(function(c){var td=el('td');"
    "if(c&&c.nodeType)td.appendChild(c);else td.textContent=c===undefined||c===null?'':String(c);row.appendChild(td);});"
    "t.appendChild(row);});return t;}\n"
    "function operation(doc,path,method,op,shared){\n"
    " var d=el('details'),sm=el('summary');sm.appendChild(el('span','m '+method.toUpperCase(),method.toUpperCase()));\n"
    " sm.appendChild(el('span','p',path));sm.appendChild(el('span','s',op.summary||''));d.appendChild(sm);\n"
    " var b=el('div','body');if(op.description)b.appendChild(el('p',null,op.description));\n"
    " var params=(shared||[]).concat(op.parameters||[]).map(function(p){return resolve(doc,p);});\n"
    " if(params.length){b.appendChild(el('h4',null,'Parameters'));b.appendChild(table(['Name','In','Type','Required','Description'],"
    "params.map(function(p){return [el('code',null,p.name),p.in,typeOf(doc,p.schema),p.required?'yes':'no',p.description||''];})));}\n"
    " if(op.requestBody){var rb=resolve(doc,op.requestBody);b.appendChild(el('h4',null,'Request body'));"
    "b.appendChild(table(['Content type','Schema','Description'],Object.keys(rb.content||{}).map(function(ct){"
    "var sc=rb.content[ct].schema||{};return [ct,sc.$ref?sc.$ref.split('/').pop():typeOf(doc,sc),rb.description||''];})));}\n"
    " var rs=op.responses||{};b.appendChild(el('h4',null,'Responses'));b.appendChild(table(['Status','Description','Content'],"
    "Object.keys(rs).map(function(code){var r=resolve(doc,rs[code]);return [code,r.description||'',"
    "Object.keys(r.content||{}).map(function(ct){var sc=r.content[ct].schema||{};"
    "return ct+(sc.$ref?' ('+sc.$ref.split('/').pop()+')':'');}).join(', ')];})));\n"
    " d.appendChild(b);return d;}\n"
    "function render(doc){\n"
    " var info=doc.info||{};document.getElementById('title').textContent=info.title||'API documentation';\n"
    " document.title=info.title||'API documentation';\n"
    " document.getElementById('ver').textContent='Version '+(info.version||'?')+' \\u00b7 OpenAPI '+(doc.openapi||'?');\n"
    " if(info.description){var de=document.getElementById('desc');de.textContent=info.description;de.hidden=false;}\n"
    " var root=document.getElementById('paths'),groups={},order=[];\n"
    " Object.keys(doc.paths||{}).forEach(function(path){var item=resolve(doc,doc.paths[path]);\n"
    "  METHODS.forEach(function(m){var op=item[m];if(!op)return;var tag=(op.tags&&op.tags[0])||'Other';\n"
    "   if(!groups[tag]){groups[tag]=[];order.push(tag);}groups[tag].push(operation(doc,path,m,op,item.parameters));});});\n"
    " order.forEach(function(tag){root.appendChild(el('h2',null,tag));groups[tag].forEach(function(n){root.appendChild(n);});});\n"
    " if(!order.length)root.appendChild(el('p',null,'The document lists no paths.'));}\n"
    "fetch('/v1/openapi.json',{headers:{'Accept':'application/json'}}).then(function(r){\n"
    " if(!r.ok)throw new Error('HTTP '+r.status);return r.json();}).then(render).catch(function(e){\n"
    " document.getElementById('err').textContent='Cannot load /v1/openapi.json: '+e.message;});\n"
    "})();\n"
    "</script></body></html>\n";

void docs_handle_openapi(http_request *r)
{
    http_reply_raw(r, 200, "application/json", openapi_json, openapi_json_len);
}

void docs_handle_page(http_request *r)
{
    http_reply_raw(r, 200, "text/html; charset=utf-8", docs_page, sizeof(docs_page) - 1);
}
