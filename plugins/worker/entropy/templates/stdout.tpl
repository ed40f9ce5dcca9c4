{# The entropy worker's results as a human summary: per payload, the entropy of the
   whole and one line per reported block with a bar (8 bits per byte = 32 marks).
   stoq entropy -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("entropy") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
{{ result.filename if result.filename is defined else "(no filename)" }}
{% if result.size is defined %}
    size      {{ result.size }} bytes
{% endif %}
{% set scan = worker_scan if worker_scan is not none and worker_scan is mapping else {} %}
{% if scan.entropy is defined %}
    entropy   {{ "%.4f" % scan.entropy }} bits per byte over {{ scan.bytes_scanned }} bytes{{ " (max_bytes reached)" if scan.truncated }}{{ ": compressed or encrypted data?" if scan.entropy >= 7.5 }}
{% if scan.block_count is defined and scan.block_count > 0 %}
    blocks    {{ scan.block_count }} of {{ scan.block_size }} bytes, min {{ "%.4f" % scan.block_min }}, max {{ "%.4f" % scan.block_max }}
{% for value in scan.blocks %}
{% set marks = (value * 4) | int %}
      {{ "%08x  %.4f" % (loop.index0 * scan.block_size, value) }}{{ "  " ~ "#" * marks if marks > 0 }}
{% endfor %}
{% if scan.blocks | length < scan.block_count %}
      ... {{ scan.block_count - scan.blocks | length }} more blocks (max_blocks)
{% endif %}
{% endif %}
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}
