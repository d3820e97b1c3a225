package io.crowsnest.behaviour.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EndpointsTest {
    @Test
    void idsAndValuesCollapseIntoOneTemplate() {
        assertEquals("GET /items/{n}", Endpoints.template("GET", "/items/42"));
        assertEquals("GET /items/{n}", Endpoints.template("GET", "/items/7"));
        assertEquals("GET /search?q", Endpoints.template("GET", "/search?q=*"));
        assertEquals("GET /search?q", Endpoints.template("GET", "/search?q=shoes"));
        assertEquals("GET /u/{id}/cart", Endpoints.template("GET", "/u/3fa85f64-5717-4562-b3fc-2c963f66afa6/cart"));
        assertEquals("POST /login", Endpoints.template("POST", "/login"));
        assertEquals("GET /", Endpoints.template("GET", "/"));
        assertEquals("GET /a?k&z", Endpoints.template("GET", "/a?z=1&k=2"));
    }
}
