package dev.twofold.management;

import java.util.List;

/**
 * The scopes of the Management API, named as Auth0 names them; a management access token
 * carries the ones its client grant allows.
 */
final class ManagementScopes {

    static final String READ_CLIENTS = "read:clients";
    static final String CREATE_CLIENTS = "create:clients";
    static final String UPDATE_CLIENTS = "update:clients";
    static final String DELETE_CLIENTS = "delete:clients";
    static final String UPDATE_CLIENT_KEYS = "update:client_keys";
    static final String READ_RESOURCE_SERVERS = "read:resource_servers";
    static final String CREATE_RESOURCE_SERVERS = "create:resource_servers";
    static final String UPDATE_RESOURCE_SERVERS = "update:resource_servers";
    static final String DELETE_RESOURCE_SERVERS = "delete:resource_servers";
    static final String READ_CLIENT_GRANTS = "read:client_grants";
    static final String CREATE_CLIENT_GRANTS = "create:client_grants";
    static final String UPDATE_CLIENT_GRANTS = "update:client_grants";
    static final String DELETE_CLIENT_GRANTS = "delete:client_grants";
    static final String READ_USERS = "read:users";
    static final String CREATE_USERS = "create:users";
    static final String UPDATE_USERS = "update:users";
    static final String DELETE_USERS = "delete:users";
    static final String READ_GUARDIAN_FACTORS = "read:guardian_factors";
    static final String UPDATE_GUARDIAN_FACTORS = "update:guardian_factors";
    static final String READ_MFA_POLICIES = "read:mfa_policies";
    static final String UPDATE_MFA_POLICIES = "update:mfa_policies";
    static final String CREATE_ENROLLMENT_TICKETS = "create:guardian_enrollment_tickets";
    static final String DELETE_GUARDIAN_ENROLLMENTS = "delete:guardian_enrollments";
    static final String READ_AUTHENTICATION_METHODS = "read:authentication_methods";
    static final String DELETE_AUTHENTICATION_METHODS = "delete:authentication_methods";

    /** Every scope, in a stable order: what the bootstrap management client is granted. */
    static final List<String> ALL = List.of(READ_CLIENTS, CREATE_CLIENTS, UPDATE_CLIENTS,
            DELETE_CLIENTS, UPDATE_CLIENT_KEYS, READ_RESOURCE_SERVERS, CREATE_RESOURCE_SERVERS,
            UPDATE_RESOURCE_SERVERS, DELETE_RESOURCE_SERVERS, READ_CLIENT_GRANTS,
            CREATE_CLIENT_GRANTS, UPDATE_CLIENT_GRANTS, DELETE_CLIENT_GRANTS, READ_USERS,
            CREATE_USERS, UPDATE_USERS, DELETE_USERS, READ_GUARDIAN_FACTORS,
            UPDATE_GUARDIAN_FACTORS, READ_MFA_POLICIES, UPDATE_MFA_POLICIES,
            CREATE_ENROLLMENT_TICKETS, DELETE_GUARDIAN_ENROLLMENTS, READ_AUTHENTICATION_METHODS,
            DELETE_AUTHENTICATION_METHODS);

    private ManagementScopes() {
    }
}
