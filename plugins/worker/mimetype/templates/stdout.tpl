{# The mimetype worker's results as a human summary: one line pair per payload.
   stoq mimetype -F <file or dir> -T stdout.tpl   (or: stoq render stdout.tpl results.json) #}
{# --split saves each entry as a document of its own: then `results` is the entry. #}
{% set entries = results.results if results.results is defined else [results] %}
{% for result in entries %}
{% if not loop.first %}

{% endif %}
{{ result.filename if result.filename is defined else "(no filename)" }}
{% if result.size is defined %}
    size         {{ result.size }} bytes
{% endif %}
{% if result.scan is defined and result.scan %}
{% if result.scan.mimetype is defined %}
    mime type    {{ result.scan.mimetype }}
{% endif %}
{% if result.scan.description is defined %}
    description  {{ result.scan.description }}
{% endif %}
{% endif %}
{% endfor %}
{% if results.errors is defined %}
{% for error in results.errors %}
error   {{ error.plugin }}: {{ error.error }}
{% endfor %}
{% endif %}
