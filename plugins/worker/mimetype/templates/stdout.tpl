{# The mimetype worker's results as a human summary: one line pair per payload.
   stoq mimetype -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("mimetype") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
{{ result.filename if result.filename is defined else "(no filename)" }}
{% if result.size is defined %}
    size         {{ result.size }} bytes
{% endif %}
{% if worker_scan is not none and worker_scan %}
{% if worker_scan.mimetype is defined %}
    mime type    {{ worker_scan.mimetype }}
{% endif %}
{% if worker_scan.description is defined %}
    description  {{ worker_scan.description }}
{% endif %}
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}
