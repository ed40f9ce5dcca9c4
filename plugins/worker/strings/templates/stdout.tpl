{# The strings worker's results as a human summary: per payload, one line per string
   (offset in hex, encoding, text with tabs shown as \t), the first 100 strings.
   stoq strings -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{% set max_shown = 100 %}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("strings") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
{{ result.filename if result.filename is defined else "(no filename)" }}
{% if result.size is defined %}
    size      {{ result.size }} bytes
{% endif %}
{% set scan = worker_scan if worker_scan is not none and worker_scan is mapping else {} %}
{% if scan.strings is defined %}
    strings   {{ scan.count }} of at least {{ scan.min_length }} characters{{ " (truncated: max_strings or max_bytes reached)" if scan.truncated }}
{% for string in scan.strings[:max_shown] %}
      {{ "0x%08x  %-8s  " % (string.offset, string.encoding) }}{{ string.string | replace("\t", "\\t") }}{{ " ... (%d characters)" % string.length if string.length > string.string | length }}
{% endfor %}
{% if scan.strings | length > max_shown %}
      ... {{ scan.strings | length - max_shown }} more strings
{% endif %}
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}
