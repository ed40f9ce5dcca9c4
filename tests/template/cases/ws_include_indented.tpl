<pre>
    {% include '_partials/footer.tpl' ignore missing %}
    {% for r in results.results[:1] %}
        {% include '_partials/hashes.tpl' %}
    {% endfor %}
</pre>
