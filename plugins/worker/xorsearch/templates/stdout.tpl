{# The xorsearch worker's results as a human summary: per payload, one line per hit
   (offset in hex, encoding and key as XORSearch writes them, the term, and the decoded
   text from the hit on), the first 100 hits.
   stoq xorsearch -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{% set max_shown = 100 %}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("xorsearch") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
{{ result.filename if result.filename is defined else "(no filename)" }}
{% if result.size is defined %}
    size      {{ result.size }} bytes
{% endif %}
{% set scan = worker_scan if worker_scan is not none and worker_scan is mapping else {} %}
{% if scan.hits is defined %}
{% if scan.hits %}
    hits      {{ scan.hits | length }}{{ " (truncated: max_hits or max_bytes reached)" if scan.truncated }}
{% for hit in scan.hits[:max_shown] %}
      {{ "0x%08x  %s %s  " % (hit.offset, hit.encoding, hit.xor) }}{{ hit.term }}  |{{ hit.str }}|
{% endfor %}
{% if scan.hits | length > max_shown %}
      ... {{ scan.hits | length - max_shown }} more hits
{% endif %}
{% else %}
    hits      none{{ " (max_bytes reached)" if scan.truncated }}
{% endif %}
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}
