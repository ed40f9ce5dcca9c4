{% include ['_partials/missing_one.tpl', '_partials/footer.tpl', '_partials/header.tpl'] %}
{% include ['_partials/nope.tpl', '_partials/also_nope.tpl'] ignore missing %}
done
