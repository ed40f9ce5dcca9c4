{# The hash worker's results as a human summary: one block per result entry.
   stoq hash -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{% if not loop.first %}

{% endif %}
{{ result.filename }}
{% if result.path is defined %}
    path    {{ result.path }}
{% endif %}
{% if result.size is defined %}
    size    {{ result.size }} bytes
{% endif %}
{% if result.scan is defined and result.scan %}
{% if result.scan.md5 is defined %}
    md5     {{ result.scan.md5 }}
{% endif %}
{% if result.scan.sha1 is defined %}
    sha1    {{ result.scan.sha1 }}
{% endif %}
{% if result.scan.sha256 is defined %}
    sha256  {{ result.scan.sha256 }}
{% endif %}
{% if result.scan.ssdeep is defined %}
    ssdeep  {{ result.scan.ssdeep }}
{% endif %}
{% if result.scan.tlsh is defined %}
    tlsh    {{ result.scan.tlsh }}
{% endif %}
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}
