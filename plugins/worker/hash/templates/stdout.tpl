{# The hash worker's results as a human summary: one block per result entry.
   stoq hash -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{# stoq scan (`plugin` a list of workers): this worker's part of `scan`. #}
{% set worker_scan = (result.scan.get("hash") if result.scan is mapping else none) if result.plugin is defined and result.plugin is not string else result.scan | default(none) %}
{% if not loop.first %}

{% endif %}
{{ result.filename }}
{% if result.path is defined %}
    path    {{ result.path }}
{% endif %}
{% if result.size is defined %}
    size    {{ result.size }} bytes
{% endif %}
{% if worker_scan is not none and worker_scan %}
{% if worker_scan.md5 is defined %}
    md5     {{ worker_scan.md5 }}
{% endif %}
{% if worker_scan.sha1 is defined %}
    sha1    {{ worker_scan.sha1 }}
{% endif %}
{% if worker_scan.sha256 is defined %}
    sha256  {{ worker_scan.sha256 }}
{% endif %}
{% if worker_scan.ssdeep is defined %}
    ssdeep  {{ worker_scan.ssdeep }}
{% endif %}
{% if worker_scan.tlsh is defined %}
    tlsh    {{ worker_scan.tlsh }}
{% endif %}
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}
