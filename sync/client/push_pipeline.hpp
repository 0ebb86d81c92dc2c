#pragma once
// Pushes of outbox batches, up to two under way at once. A second push starts
// only beside the batch sealed right before it, and only when the two touch
// no record in common (OutboxName::independentOf): the server merges each
// record's changes in the order the kiosk made them, so no false conflict is
// ever recorded, and answers are taken oldest first, so the spool acknowledges
// batches in order. The second push goes over the channel's companion(); a
// channel without one pushes one batch at a time, as before.
//
// Used by one thread (syncSpool's); each push runs on a thread of its own.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "sync/client/server_channel.hpp"
#include "sync/client/spool_files.hpp"

namespace chasqui::sync {

// What the server's answer to one batch of `sent` changes says (-1: not
// known, a legacy file name). An answer that does not account for every
// change sent is refused: acknowledging the batch could lose the changes it
// left out.
struct PushTally {
    int pushed = 0;
    int duplicates = 0;
    std::vector<PushItem> problems;
};
SyncResult<PushTally> tallyAnswer(const std::vector<PushItem>& items, std::int64_t sent);

class PushPipeline {
public:
    // `onAnswer` runs on a push's thread once its answer can be taken.
    explicit PushPipeline(ServerChannel& channel, std::function<void()> onAnswer = {})
        : m_channel(channel), m_onAnswer(std::move(onAnswer)) {}
    // Waits for the pushes still under way; their answers are dropped (the
    // batches stay queued, and the server counts them as duplicates next time).
    ~PushPipeline();
    PushPipeline(const PushPipeline&) = delete;
    PushPipeline& operator=(const PushPipeline&) = delete;

    bool empty() const { return m_flying.empty(); }
    std::size_t size() const { return m_flying.size(); }
    // The oldest push's answer has come (takeOldest will not wait).
    bool oldestArrived() const;
    // True when `next` may start now: nothing is under way, or only the batch
    // it is independent of, and a second channel is to be had.
    bool mayStart(const OutboxName& next);
    // Starts pushing `body` (the file's content). Call only when mayStart.
    void start(std::filesystem::path file, const OutboxName& name, std::string body);

    struct Answer {
        std::filesystem::path file;
        OutboxName name;
        SyncResult<std::vector<PushItem>> items;
        ServerChannel* via = nullptr;  // for the server time it told
    };
    // The oldest push's answer, once it has come. Call only when !empty().
    Answer takeOldest();

private:
    struct InFlight {
        std::filesystem::path file;
        OutboxName name;
        ServerChannel* via = nullptr;
        std::future<SyncResult<std::vector<PushItem>>> answer;
        std::thread thread;  // joined before the answer is taken
    };
    ServerChannel& m_channel;
    std::function<void()> m_onAnswer;
    std::unique_ptr<ServerChannel> m_second;  // m_channel.companion(), made when first needed
    bool m_noSecond = false;
    std::deque<InFlight> m_flying;
};

}  // namespace chasqui::sync
