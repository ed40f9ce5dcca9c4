{% for r in results.results if r.sha256 %}
{{ (r.sha256|upper)|list|join }}
{{ (r.sha256|upper)|batch(16)|map('join')|join(' ') }}
{{ (r.md5 ~ r.sha1)|unique|list|length }} {{ (r.sha256|lower)|sort|first }}{{ (r.sha256|lower)|sort|last }} {{ (r.sha256|upper)|select('upper')|list|length }}
{{ (r.filename|default('unnamed payload file', true)|title)|first }} {{ (r.path|default('/no/path/for/this/payload')|upper)|reverse|join }}
{% endfor %}
