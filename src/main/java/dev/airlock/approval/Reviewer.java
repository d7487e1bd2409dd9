package dev.airlock.approval;

import java.util.Set;

/**
 * A person deciding, as the channel authenticated them.
 *
 * @param id stable identity: the signed-in user name, or the Slack user ID
 * @param name display name
 * @param roles the roles the channel vouched for ({@code reviewer}, {@code admin}); Slack reviewers
 *     are checked against the rule's Slack approvers instead
 */
public record Reviewer(String id, String name, Channel channel, Set<String> roles) {}
